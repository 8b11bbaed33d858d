from notrain.cli import main

main()
