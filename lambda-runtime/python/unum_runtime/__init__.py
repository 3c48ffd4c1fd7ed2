"""The cdk-unum runtime for Python Lambda functions."""
