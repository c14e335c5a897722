"""The credential sources, one module each, and the chain that tries them in botocore's order."""
