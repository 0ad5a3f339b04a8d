//! TikTok emulator: fake room lookup, fake Euler Stream (binary fetch response with cookies),
//! and a webcast push server, with fault injection. Filled in by the TikTok issue.
