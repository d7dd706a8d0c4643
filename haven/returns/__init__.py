"""Statutory returns: the CIN census (export, DfE-rule validation, import from other systems)."""
