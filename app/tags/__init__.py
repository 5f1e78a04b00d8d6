"""Tag sets: the labels of a project, their colours, hotkeys and order."""
