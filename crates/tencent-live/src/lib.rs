//! Tencent Cloud Chat live rooms: UserSig and every live-room REST command.

#[rustfmt::skip]
pub mod generated;
