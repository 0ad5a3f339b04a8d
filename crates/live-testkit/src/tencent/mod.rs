//! Tencent Cloud Chat live-room emulator: verifies UserSigs, enforces per-command limits,
//! pages, injects faults. Filled in by the Tencent issue.
