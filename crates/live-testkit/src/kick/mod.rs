//! Kick emulator: a fake kick.com API, a Pusher-protocol server and a Centrifugo-style server
//! publishing scripted Kick events, with fault injection. Filled in by the Kick issue.
