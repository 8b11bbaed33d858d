"""The exposure audit: read a Facebook or Instagram data export, in any layout and any mix of ZIP
parts and folders, and show which photos and videos were exposed to AI training."""
