"""The Qt side: a bridge from the core to signals, the model, the window."""
