"""The app's screens: home, coding, code picker, memo, codebook editor, import, help."""
