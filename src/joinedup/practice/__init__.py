"""Practice quality: early help and professional challenge (escalation)."""
