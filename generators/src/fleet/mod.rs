//! The fleet: distributions, roles and hosts.

mod distro;
mod host;
mod role;

pub use distro::{DISTROS, Distro, Family};
pub use host::{ADMINS, Accounts, DEVELOPERS, HostSpec};
pub use role::Role;
