"""The protect pipeline: a plan of steps from options; one file; a batch with resume and a survival report."""

from notrain.protect.batch import plan_jobs, protect_batch
from notrain.protect.files import check_output_folder, collect_inputs, write_atomic
from notrain.protect.inspection import Inspection, inspect_photo
from notrain.protect.options import ProtectOptions
from notrain.protect.pipeline import Job, protect_file
from notrain.protect.report import BatchResult, FileResult, StepReport, Survival
from notrain.protect.scan import ScanResult, Skipped, scan_folder
from notrain.protect.steps import Plan, Step
from notrain.protect.verify import (
    Reading,
    RegistryMatch,
    UnverifiableImageError,
    Verdict,
    read_image,
    verify_image,
    verify_reading,
)

__all__ = [
    "BatchResult",
    "FileResult",
    "Inspection",
    "Job",
    "Plan",
    "ProtectOptions",
    "Reading",
    "RegistryMatch",
    "ScanResult",
    "Skipped",
    "Step",
    "StepReport",
    "Survival",
    "UnverifiableImageError",
    "Verdict",
    "check_output_folder",
    "collect_inputs",
    "inspect_photo",
    "plan_jobs",
    "protect_batch",
    "protect_file",
    "read_image",
    "scan_folder",
    "verify_image",
    "verify_reading",
    "write_atomic",
]
