//! One host of the fleet: identity (agent id, machine id, addresses), role, distribution, accounts,
//! and the per-host habits (activity level, traffic, time zone, backup script, ingest lag) drawn from
//! heavy-tailed distributions so that no two hosts look alike.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::distro::{Distro, Family};
use super::role::Role;
use crate::event::{Account, HostInfo, OsInfo};
use crate::rng::{CharClass, SimRng};
use crate::time::{Span, Timestamp};

/// Administrators known fleet-wide (same uid everywhere, provisioned by configuration management).
pub const ADMINS: &[&str] = &[
    "alice", "bob", "carol", "dmitri", "erin", "farah", "gwen", "hiro",
];
/// Developers (workstation owners, CI committers).
pub const DEVELOPERS: &[&str] = &[
    "jlee", "mgarcia", "spatel", "tnguyen", "kwong", "rsmith", "oadeyemi", "lmuller",
];

/// A host's users and groups by name: name → (user, primary group).
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    by_name: BTreeMap<String, (Arc<Account>, Arc<Account>)>,
}

impl Accounts {
    fn add(&mut self, name: &str, uid: u32, gid: u32, group: &str) {
        self.by_name.insert(
            name.to_string(),
            (Account::new(uid, name), Account::new(gid, group)),
        );
    }

    /// The user and primary group of `name`, if the host has that account.
    pub fn get(&self, name: &str) -> Option<(Arc<Account>, Arc<Account>)> {
        self.by_name.get(name).cloned()
    }

    /// root.
    pub fn root(&self) -> (Arc<Account>, Arc<Account>) {
        self.by_name
            .get("root")
            .cloned()
            .unwrap_or_else(|| (Account::new(0, "root"), Account::new(0, "root")))
    }

    /// The account, or root when the host lacks it.
    pub fn or_root(&self, name: &str) -> (Arc<Account>, Arc<Account>) {
        self.get(name).unwrap_or_else(|| self.root())
    }
}

/// Everything fixed about a host for the whole run.
#[derive(Debug, Clone)]
pub struct HostSpec {
    /// The serialized host/agent block.
    pub info: Arc<HostInfo>,
    /// Role.
    pub role: Role,
    /// Distribution.
    pub distro: &'static Distro,
    /// Users and groups.
    pub accounts: Accounts,
    /// Multiplier of interactive and scheduled activity (log-normal, heavy right tail).
    pub activity: f64,
    /// Multiplier of web traffic (Pareto: a few very busy sites).
    pub traffic: f64,
    /// Local time offset from UTC, minutes (drives the diurnal curve).
    pub tz_offset_min: i32,
    /// Boot time.
    pub boot: Timestamp,
    /// Administrators who log in to this host.
    pub admins: Vec<&'static str>,
    /// Owner (developer workstations).
    pub owner: Option<&'static str>,
    /// The nightly backup script, if the host has one.
    pub backup_script: Option<Arc<str>>,
    /// The web root (web roles).
    pub webroot: Arc<str>,
    /// Typical ingest lag of the host's agent, seconds.
    pub ingest_lag: f64,
    /// The host's main private address.
    pub address: Arc<str>,
    /// Salt for event ids.
    pub id_salt: u64,
}

fn mac(rng: &mut SimRng) -> String {
    let b: Vec<u64> = (0..5).map(|_| rng.below(256)).collect();
    format!(
        "02:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        b[0], b[1], b[2], b[3], b[4]
    )
}

/// Backup scripts: some shared by many hosts (pushed by configuration management), some one-offs.
const BACKUP_SCRIPTS: &[(&str, u32)] = &[
    ("/usr/local/bin/backup.sh", 10),
    ("/usr/local/sbin/nightly-backup.sh", 4),
    ("/opt/backup/run-backup.sh", 3),
    ("/root/bin/backup.sh", 2),
    ("/etc/cron.daily/zz-offsite-backup", 2),
];

impl HostSpec {
    /// Creates host `index` with `role`, drawing everything else from `rng`.
    pub fn generate(
        index: u32,
        role: Role,
        name: String,
        start: Timestamp,
        rng: &mut SimRng,
    ) -> HostSpec {
        let distro = role.pick_distro(rng);
        let agent_id = rng.uuid();
        let machine_id = rng.string(CharClass::Hex, 32);
        let subnet = 10 + (index / 250) % 200;
        let address = format!("10.{}.{}.{}", subnet, rng.range(0, 31), 10 + index % 240);
        let mut ips: Vec<Arc<str>> = vec!["127.0.0.1".into(), "::1".into(), address.clone().into()];
        let link_local = format!(
            "fe80::{:x}:{:x}ff:fe{:02x}:{:x}",
            rng.range(0x100, 0xffff),
            rng.range(0x10, 0xff),
            rng.below(256),
            rng.range(0x100, 0xffff)
        );
        ips.push(link_local.into());
        let mut macs: Vec<Arc<str>> = vec![mac(rng).into()];
        if role == Role::CiRunner || role == Role::DevWorkstation {
            ips.push("172.17.0.1".into());
            macs.push(mac(rng).into());
        }
        let version = *rng.pick(distro.versions);
        let os = OsInfo {
            variant: distro.variant.into(),
            family: distro.os_family.into(),
            full: format!("{} {}", distro.full_prefix, version).into(),
            kernel: distro.kernel_text(rng).into(),
            platform: distro.platform.into(),
            version: version.into(),
        };
        let agent_version =
            *rng.weighted(&[("8.16.1", 3), ("8.17.2", 5), ("8.18.0", 4), ("8.19.3", 2)]);
        let info = HostInfo {
            index,
            agent_id: agent_id.into(),
            agent_version: agent_version.into(),
            name: name.into(),
            id: machine_id.into(),
            ip: ips.into(),
            mac: macs.into(),
            os,
            rendered: Default::default(),
        };

        let mut accounts = Accounts::default();
        accounts.add("root", 0, 0, "root");
        let cloud = distro.cloud_user;
        accounts.add(cloud, 1000, 1000, cloud);
        match distro.family {
            Family::Debian => {
                accounts.add("www-data", 33, 33, "www-data");
                accounts.add("_apt", 105, 65534, "nogroup");
                accounts.add("postgres", 114, 120, "postgres");
                accounts.add("tomcat", 997, 997, "tomcat");
                accounts.add("caddy", 998, 998, "caddy");
            }
            Family::RedHat => {
                accounts.add("apache", 48, 48, "apache");
                accounts.add("nginx", 498, 498, "nginx");
                accounts.add("postgres", 26, 26, "postgres");
                accounts.add("tomcat", 91, 91, "tomcat");
                accounts.add("caddy", 994, 994, "caddy");
            }
        }
        accounts.add("traefik", 996, 996, "traefik");
        accounts.add("telegraf", 995, 995, "telegraf");
        accounts.add("messagebus", 101, 101, "messagebus");
        accounts.add("app", 1500, 1500, "app");
        accounts.add("deploy", 1501, 1501, "deploy");
        accounts.add("backup", 1502, 1502, "backup");
        accounts.add("gitlab-runner", 999, 999, "gitlab-runner");
        for (i, a) in ADMINS.iter().enumerate() {
            accounts.add(a, 1001 + i as u32, 1001 + i as u32, a);
        }
        for (i, d) in DEVELOPERS.iter().enumerate() {
            accounts.add(d, 1101 + i as u32, 1101 + i as u32, d);
        }

        let n_admins = match role {
            Role::Bastion => 5,
            Role::Database => 2,
            _ => 1 + rng.below(3) as usize,
        };
        let mut admins: Vec<&'static str> = Vec::new();
        while admins.len() < n_admins {
            let a = *rng.pick(ADMINS);
            if !admins.contains(&a) {
                admins.push(a);
            }
        }
        admins.sort_unstable();
        let owner =
            (role == Role::DevWorkstation).then(|| DEVELOPERS[index as usize % DEVELOPERS.len()]);
        let backup_script = match role {
            Role::DevWorkstation | Role::CiRunner => None,
            _ if rng.chance(0.7) => Some(Arc::<str>::from(*rng.weighted(BACKUP_SCRIPTS))),
            Role::Database => Some(Arc::<str>::from("/var/lib/postgresql/bin/pg_backup.sh")),
            _ => None,
        };
        let webroot: Arc<str> = match role {
            Role::WebNginxPhp | Role::WebApachePhp | Role::WebHttpdPhp => (*rng.pick(&[
                "/var/www/html",
                "/var/www/wordpress",
                "/srv/www/shop",
                "/var/www/portal",
            ]))
            .into(),
            Role::WebTomcat => "/opt/tomcat/webapps".into(),
            Role::WebGunicorn | Role::WebUwsgi => "/srv/app".into(),
            Role::WebCaddy => "/srv/www".into(),
            _ => "/var/www/html".into(),
        };
        let uptime = Span::from_secs_f64(rng.lognormal(14.0, 1.2).clamp(3600.0, 200.0 * 86_400.0));
        let tz_offset_min = *rng.weighted(&[
            (0, 4),
            (60, 3),
            (120, 2),
            (-300, 3),
            (-420, 1),
            (330, 1),
            (540, 1),
        ]);
        let ingest_lag = if rng.chance(0.05) {
            rng.range(120, 900) as f64
        } else {
            rng.lognormal(1.0, 0.6)
        };
        HostSpec {
            info: Arc::new(info),
            role,
            distro,
            accounts,
            activity: rng.lognormal(0.0, 0.8).min(12.0),
            traffic: rng.pareto(0.3, 1.3).min(40.0),
            tz_offset_min,
            boot: start.minus(uptime),
            admins,
            owner,
            backup_script,
            webroot,
            ingest_lag,
            address: address.into(),
            id_salt: rng.next_u64(),
        }
    }

    /// The account web workers run as.
    pub fn web_user(&self) -> &'static str {
        match self.role {
            Role::WebNginxPhp | Role::WebUwsgi => match self.distro.family {
                Family::Debian => "www-data",
                Family::RedHat => "nginx",
            },
            Role::WebGunicorn => "app",
            Role::WebApachePhp => "www-data",
            Role::WebHttpdPhp => "apache",
            Role::WebTomcat => "tomcat",
            Role::WebCaddy => "caddy",
            Role::WebTraefik => "traefik",
            _ => "www-data",
        }
    }

    /// The host name.
    pub fn name(&self) -> &str {
        &self.info.name
    }
}
