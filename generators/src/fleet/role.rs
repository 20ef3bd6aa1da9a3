//! Host roles: what a host runs, which distributions it may use, and the tags scenarios select it by.

use super::distro::{DISTROS, Distro, Family};
use crate::rng::SimRng;

/// What a host is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// nginx in front of php-fpm (Debian-likes or Red Hat-likes).
    WebNginxPhp,
    /// apache2 with mod_php (Debian-likes).
    WebApachePhp,
    /// httpd with php-fpm running as `apache` (Red Hat-likes).
    WebHttpdPhp,
    /// nginx in front of a gunicorn Python app.
    WebGunicorn,
    /// nginx in front of a uWSGI Python app.
    WebUwsgi,
    /// Apache Tomcat (Java).
    WebTomcat,
    /// Caddy serving a static site and reverse proxying.
    WebCaddy,
    /// Traefik edge proxy.
    WebTraefik,
    /// PostgreSQL server.
    Database,
    /// SSH jump host used by administrators.
    Bastion,
    /// A developer's Linux workstation.
    DevWorkstation,
    /// A CI runner (gitlab-runner with shell executor).
    CiRunner,
}

impl Role {
    /// Every role, in the order a small fleet is filled (so that 12 hosts cover all of them).
    pub const ALL: [Role; 12] = [
        Role::WebNginxPhp,
        Role::WebApachePhp,
        Role::WebHttpdPhp,
        Role::WebTomcat,
        Role::WebGunicorn,
        Role::Bastion,
        Role::Database,
        Role::CiRunner,
        Role::DevWorkstation,
        Role::WebUwsgi,
        Role::WebCaddy,
        Role::WebTraefik,
    ];

    /// The role's profile key (`web-nginx-php`, …).
    pub fn key(self) -> &'static str {
        match self {
            Role::WebNginxPhp => "web-nginx-php",
            Role::WebApachePhp => "web-apache-php",
            Role::WebHttpdPhp => "web-httpd-php",
            Role::WebGunicorn => "web-gunicorn",
            Role::WebUwsgi => "web-uwsgi",
            Role::WebTomcat => "web-tomcat",
            Role::WebCaddy => "web-caddy",
            Role::WebTraefik => "web-traefik",
            Role::Database => "database",
            Role::Bastion => "bastion",
            Role::DevWorkstation => "dev-workstation",
            Role::CiRunner => "ci-runner",
        }
    }

    /// Parses a profile key.
    pub fn parse(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    /// Tags a scenario's `hosts.role` may name (the key itself, plus groups such as `web`, `web-php`).
    pub fn tags(self) -> &'static [&'static str] {
        match self {
            Role::WebNginxPhp => &["web", "web-php", "nginx", "php-fpm"],
            Role::WebApachePhp => &["web", "web-php", "apache2", "mod-php"],
            Role::WebHttpdPhp => &["web", "web-php", "httpd", "php-fpm"],
            Role::WebGunicorn => &["web", "web-python", "nginx", "gunicorn"],
            Role::WebUwsgi => &["web", "web-python", "nginx", "uwsgi"],
            Role::WebTomcat => &["web", "web-java", "tomcat"],
            Role::WebCaddy => &["web", "caddy"],
            Role::WebTraefik => &["web", "traefik"],
            Role::Database => &["db", "postgres"],
            Role::Bastion => &["bastion", "jump"],
            Role::DevWorkstation => &["dev", "workstation"],
            Role::CiRunner => &["ci"],
        }
    }

    /// Whether `tag` selects this role (`any` selects every role).
    pub fn has_tag(self, tag: &str) -> bool {
        tag == "any" || tag == self.key() || self.tags().contains(&tag)
    }

    /// Every tag any role has (for validating scenario files).
    pub fn all_tags() -> Vec<&'static str> {
        let mut tags: Vec<&'static str> = vec!["any"];
        for r in Role::ALL {
            tags.push(r.key());
            tags.extend_from_slice(r.tags());
        }
        tags.sort_unstable();
        tags.dedup();
        tags
    }

    /// Default share of the role in a fleet (relative weight).
    pub fn default_weight(self) -> u32 {
        match self {
            Role::WebNginxPhp => 10,
            Role::WebApachePhp => 5,
            Role::WebHttpdPhp => 4,
            Role::WebGunicorn => 4,
            Role::WebUwsgi => 2,
            Role::WebTomcat => 3,
            Role::WebCaddy => 2,
            Role::WebTraefik => 2,
            Role::Database => 5,
            Role::Bastion => 2,
            Role::DevWorkstation => 6,
            Role::CiRunner => 3,
        }
    }

    /// Whether the role serves web traffic with worker processes.
    pub fn is_web(self) -> bool {
        self.tags().contains(&"web")
    }

    /// Host name prefix.
    pub fn host_prefix(self) -> &'static str {
        match self {
            Role::WebNginxPhp => "web-php",
            Role::WebApachePhp => "web-apache",
            Role::WebHttpdPhp => "web-httpd",
            Role::WebGunicorn => "app-py",
            Role::WebUwsgi => "app-uwsgi",
            Role::WebTomcat => "app-java",
            Role::WebCaddy => "www-static",
            Role::WebTraefik => "edge",
            Role::Database => "db",
            Role::Bastion => "bastion",
            Role::DevWorkstation => "dev",
            Role::CiRunner => "ci-runner",
        }
    }

    /// Picks a distribution for a host of this role.
    pub fn pick_distro(self, rng: &mut SimRng) -> &'static Distro {
        let allowed: Vec<(&'static Distro, u32)> = DISTROS
            .iter()
            .filter_map(|d| {
                let w = match (self, d.family) {
                    (Role::WebHttpdPhp, Family::Debian) | (Role::WebApachePhp, Family::RedHat) => 0,
                    (Role::DevWorkstation, Family::RedHat) => 0,
                    (_, Family::Debian) if d.key.starts_with("ubuntu") => 4,
                    (_, Family::Debian) => 2,
                    (_, Family::RedHat) => 2,
                };
                (w > 0).then_some((d, w))
            })
            .collect();
        let chosen: &&'static Distro = rng.weighted(&allowed);
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_tags_select() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.key()), Some(r));
            assert!(r.has_tag("any"));
            assert!(r.has_tag(r.key()));
        }
        assert!(Role::WebApachePhp.has_tag("web-php"));
        assert!(!Role::Database.has_tag("web"));
        let mut rng = SimRng::new(9);
        for _ in 0..50 {
            assert_eq!(
                Role::WebHttpdPhp.pick_distro(&mut rng).family,
                Family::RedHat
            );
            assert_eq!(
                Role::WebApachePhp.pick_distro(&mut rng).family,
                Family::Debian
            );
        }
    }
}
