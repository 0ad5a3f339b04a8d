//! kitkot emulator: the viewer API with credential checks and missing rooms. Filled in by the
//! kitkot issue.
