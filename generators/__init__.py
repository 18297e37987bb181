"""The music: the Piece model, composing from YAML styles, rendering, editing, analysis and export.

Never imports `assistant`."""
