"""Audio in and out: devices, files, the microphone with its VAD, and the playback mixer."""
