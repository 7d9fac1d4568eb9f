"""The offline assessment workbook (.xlsx): export, import, and writing answers back into YAML."""
