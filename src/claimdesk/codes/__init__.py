"""Code sets: ICD-10-CM from installed packages, and importers for the user's official files."""
