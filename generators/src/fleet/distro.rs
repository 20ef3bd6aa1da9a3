//! Linux distributions of the fleet: `host.os.*` values, kernels, and the paths and accounts that differ
//! between the Debian and Red Hat families.
//!
//! Paths are those a merged-`/usr` system reports in `process.executable` (Elastic resolves the file the
//! kernel executed, so `/bin/sh` shows up as `/usr/bin/dash` on Debian-likes and `/usr/bin/bash` on Red
//! Hat-likes).

use crate::rng::SimRng;

/// Debian-like or Red Hat-like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Debian, Ubuntu.
    Debian,
    /// RHEL, Rocky, Amazon Linux.
    RedHat,
}

/// One distribution release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Distro {
    /// Short key used in profiles (`ubuntu-22.04`).
    pub key: &'static str,
    /// Family.
    pub family: Family,
    /// `host.os.Ext.variant`.
    pub variant: &'static str,
    /// `host.os.family`.
    pub os_family: &'static str,
    /// `host.os.platform`.
    pub platform: &'static str,
    /// `host.os.version` choices (point releases seen in a fleet).
    pub versions: &'static [&'static str],
    /// Prefix of `host.os.full` (the version is appended).
    pub full_prefix: &'static str,
    /// Kernel release templates; `{}` is replaced by a patch number.
    pub kernel: &'static str,
    /// Kernel build suffix.
    pub kernel_build: &'static str,
    /// PHP version shipped (for php-fpm binary and pool names).
    pub php: &'static str,
    /// Default cloud-image user.
    pub cloud_user: &'static str,
}

/// The distributions of the fleet.
pub const DISTROS: &[Distro] = &[
    Distro {
        key: "ubuntu-22.04",
        family: Family::Debian,
        variant: "Ubuntu",
        os_family: "ubuntu",
        platform: "ubuntu",
        versions: &["22.04.3", "22.04.4"],
        full_prefix: "Ubuntu",
        kernel: "5.15.0-{}-generic",
        kernel_build: "-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024",
        php: "8.1",
        cloud_user: "ubuntu",
    },
    Distro {
        key: "ubuntu-24.04",
        family: Family::Debian,
        variant: "Ubuntu",
        os_family: "ubuntu",
        platform: "ubuntu",
        versions: &["24.04", "24.04.1"],
        full_prefix: "Ubuntu",
        kernel: "6.8.0-{}-generic",
        kernel_build: "-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug  9 14:06:03 UTC 2024",
        php: "8.3",
        cloud_user: "ubuntu",
    },
    Distro {
        key: "debian-12",
        family: Family::Debian,
        variant: "Debian",
        os_family: "debian",
        platform: "debian",
        versions: &["12.5", "12.6"],
        full_prefix: "Debian",
        kernel: "6.1.0-{}-amd64",
        kernel_build: " SMP PREEMPT_DYNAMIC Debian 6.1.90-1 (2024-05-03)",
        php: "8.2",
        cloud_user: "admin",
    },
    Distro {
        key: "rhel-9",
        family: Family::RedHat,
        variant: "RHEL",
        os_family: "rhel",
        platform: "rhel",
        versions: &["9.3", "9.4"],
        full_prefix: "Red Hat Enterprise Linux",
        kernel: "5.14.0-{}.el9_4.x86_64",
        kernel_build: " SMP PREEMPT_DYNAMIC Wed Apr 10 10:45:16 EDT 2024",
        php: "8.0",
        cloud_user: "ec2-user",
    },
    Distro {
        key: "rocky-9",
        family: Family::RedHat,
        variant: "Rocky Linux",
        os_family: "rocky",
        platform: "rocky",
        versions: &["9.3", "9.4"],
        full_prefix: "Rocky Linux",
        kernel: "5.14.0-{}.el9_4.x86_64",
        kernel_build: " SMP PREEMPT_DYNAMIC Mon May 13 12:30:10 UTC 2024",
        php: "8.0",
        cloud_user: "rocky",
    },
    Distro {
        key: "amzn-2023",
        family: Family::RedHat,
        variant: "Amazon Linux",
        os_family: "amzn",
        platform: "amzn",
        versions: &["2023"],
        full_prefix: "Amazon Linux",
        kernel: "6.1.{}-132.222.amzn2023.x86_64",
        kernel_build: " SMP PREEMPT_DYNAMIC Tue May  7 23:34:20 UTC 2024",
        php: "8.2",
        cloud_user: "ec2-user",
    },
];

impl Distro {
    /// Finds a distribution by key.
    pub fn by_key(key: &str) -> Option<&'static Distro> {
        DISTROS.iter().find(|d| d.key == key)
    }

    /// `host.os.kernel` for a host (`<release> #<build><suffix>`).
    pub fn kernel_text(&self, rng: &mut SimRng) -> String {
        let patch = match self.family {
            Family::Debian => rng.range(18, 120),
            Family::RedHat => rng.range(90, 430),
        };
        let build = rng.range(20, 140);
        format!(
            "{} #{build}{}",
            self.kernel.replace("{}", &patch.to_string()),
            self.kernel_build
        )
    }

    /// `/bin/sh` as reported.
    pub fn sh(&self) -> &'static str {
        match self.family {
            Family::Debian => "/usr/bin/dash",
            Family::RedHat => "/usr/bin/bash",
        }
    }

    /// The cron daemon's executable.
    pub fn cron(&self) -> &'static str {
        match self.family {
            Family::Debian => "/usr/sbin/cron",
            Family::RedHat => "/usr/sbin/crond",
        }
    }

    /// The php-fpm executable.
    pub fn php_fpm(&self) -> String {
        match self.family {
            Family::Debian => format!("/usr/sbin/php-fpm{}", self.php),
            Family::RedHat => "/usr/sbin/php-fpm".to_string(),
        }
    }

    /// The php-fpm pool configuration path.
    pub fn php_fpm_conf(&self) -> String {
        match self.family {
            Family::Debian => format!("/etc/php/{}/fpm/php-fpm.conf", self.php),
            Family::RedHat => "/etc/php-fpm.conf".to_string(),
        }
    }

    /// PHP's session directory.
    pub fn php_sessions(&self) -> &'static str {
        match self.family {
            Family::Debian => "/var/lib/php/sessions",
            Family::RedHat => "/var/lib/php/session",
        }
    }

    /// The package manager's front end.
    pub fn package_manager(&self) -> &'static str {
        match self.family {
            Family::Debian => "/usr/bin/apt-get",
            Family::RedHat => "/usr/bin/dnf",
        }
    }

    /// The web server account for nginx.
    pub fn nginx_user(&self) -> (&'static str, u32) {
        match self.family {
            Family::Debian => ("www-data", 33),
            Family::RedHat => ("nginx", 498),
        }
    }

    /// The php-fpm / apache account.
    pub fn php_user(&self) -> (&'static str, u32) {
        match self.family {
            Family::Debian => ("www-data", 33),
            Family::RedHat => ("apache", 48),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_distro_has_a_kernel_and_versions() {
        let mut rng = SimRng::new(3);
        for d in DISTROS {
            assert!(!d.versions.is_empty());
            let k = d.kernel_text(&mut rng);
            assert!(!k.contains("{}"), "{k}");
            assert_eq!(Distro::by_key(d.key).map(|x| x.key), Some(d.key));
        }
        assert!(Distro::by_key("windows").is_none());
    }
}
