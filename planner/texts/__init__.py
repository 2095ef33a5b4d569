"""Interface texts in Simplified Chinese and English, for pages and for the reports written outside the web."""
