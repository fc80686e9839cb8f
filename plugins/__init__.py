"""The built-in country plugins. Each registers through the `retake.plugins` entry point group,
exactly as a third-party plugin would."""
