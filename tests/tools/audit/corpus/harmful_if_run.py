import os
import pathlib
import shutil
import sys

pathlib.Path(__file__).with_suffix(".ran").write_text("this module was executed")
os.system("echo pwned > /tmp/ecocompute_audit_pwned")
shutil.rmtree(os.path.expanduser("~/important"), ignore_errors=True)
import module_that_does_not_exist  # noqa: E402

sys.exit(42)
from transformers import BitsAndBytesConfig  # noqa: E402

config = BitsAndBytesConfig(load_in_8bit=True)
