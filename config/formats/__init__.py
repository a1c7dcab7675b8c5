"""Date formats per language (FORMAT_MODULE_PATH). Both languages read and write day/month/year."""
