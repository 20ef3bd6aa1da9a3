//! System activity: cron jobs, the monitoring agent, daily timers, package upgrades and backups.

use crate::fleet::{Family, Role};
use crate::rng::CharClass;
use crate::sim::host_sim::HostSim;
use crate::sim::procs::ExecSpec;
use crate::sim::script::Merge;
use crate::time::{NANOS_PER_DAY, NANOS_PER_MIN, Span, Timestamp};

impl HostSim {
    /// The next local `hh:mm` (+ jitter) after `t`.
    fn next_daily(&mut self, t: Timestamp, hour: f64, jitter_min: f64) -> Timestamp {
        let off = i64::from(self.spec.tz_offset_min) * NANOS_PER_MIN;
        let local_day = (t.0 + off).div_euclid(NANOS_PER_DAY);
        let target = |day: i64| Timestamp(day * NANOS_PER_DAY - off + (hour * 3600e9) as i64);
        let mut next = target(local_day);
        if next <= t {
            next = target(local_day + 1);
        }
        next.plus(Span::from_secs_f64(self.rng.unit() * jitter_min * 60.0))
    }

    /// crond: every minute, runs the jobs due (per-minute health checks, 5-minute app jobs, hourly).
    pub(crate) fn cron_jobs(&mut self, t: Timestamp) -> Option<Timestamp> {
        let minute = t.0.div_euclid(NANOS_PER_MIN);
        let next =
            Timestamp((minute + 1) * NANOS_PER_MIN).plus(Span::ms(self.rng.range(0, 900) as i64));
        let h = self.spec.info.index as i64;
        let mut jobs: Vec<(&str, String)> = Vec::new();
        if h % 3 != 0 {
            jobs.push((
                "root",
                "/usr/local/bin/node-health.sh >/dev/null 2>&1".into(),
            ));
        }
        if self.spec.role.is_web() && minute % 5 == h % 5 {
            let cmd = match self.spec.role {
                Role::WebNginxPhp | Role::WebApachePhp | Role::WebHttpdPhp => {
                    format!("php {}/cron.php >/dev/null 2>&1", self.spec.webroot)
                }
                Role::WebGunicorn | Role::WebUwsgi => {
                    "/srv/app/venv/bin/python /srv/app/manage.py clearsessions".to_string()
                }
                _ => "/usr/local/bin/cert-check.sh".to_string(),
            };
            jobs.push((self.spec.web_user(), cmd));
        }
        if minute % 60 == 17 {
            jobs.push(("root", "cd / && run-parts --report /etc/cron.hourly".into()));
        }
        if minute % 10 == 0 && self.spec.distro.family == Family::Debian {
            jobs.push((
                "root",
                "command -v debian-sa1 > /dev/null && debian-sa1 1 1".into(),
            ));
        }
        for (user, cmd) in jobs {
            self.cron_job(t, user, &cmd);
        }
        Some(next)
    }

    fn cron_job(&mut self, t: Timestamp, user: &str, cmd: &str) {
        let mut b = self.script_builder();
        let cron = b.bind(self.state.cron);
        let child = b.fork(cron);
        let acct = self.spec.accounts.or_root(user);
        let home = if user == "root" {
            "/root".to_string()
        } else {
            format!("/home/{user}")
        };
        let sh = b.spawn(
            child,
            ExecSpec::with_args(
                self.spec.distro.sh(),
                vec!["/bin/sh".into(), "-c".into(), cmd.into()],
            )
            .user(acct)
            .cwd(&home),
        );
        let php = self.spec.distro.family;
        if cmd.starts_with("/usr/local/bin/node-health.sh") {
            let health = self.shared_spec(("exec", "node-health.sh"), |_| {
                ExecSpec::new(
                    "/usr/local/bin/node-health.sh",
                    &["/bin/bash", "/usr/local/bin/node-health.sh"],
                )
            });
            let script = b.spawn_shared(sh, health, Merge::Profile);
            self.quick_static(&mut b, script, "/usr/bin/df", &["df", "-P", "/"], 4);
            self.quick_static(
                &mut b,
                script,
                "/usr/bin/awk",
                &["awk", "NR==2 {print $5}"],
                3,
            );
            if self.rng.chance(0.3) {
                self.quick_static(
                    &mut b,
                    script,
                    "/usr/bin/systemctl",
                    &["systemctl", "is-active", "--quiet", "elastic-agent"],
                    12,
                );
            }
            b.run_for(script, Span::ms(20));
        } else if cmd.starts_with("php ") {
            let php_bin = if php == Family::Debian {
                format!("/usr/bin/php{}", self.spec.distro.php)
            } else {
                "/usr/bin/php".into()
            };
            let p = b.spawn(
                sh,
                ExecSpec::with_args(
                    &php_bin,
                    vec!["php".into(), format!("{}/cron.php", self.spec.webroot)],
                ),
            );
            let life = self.life_ms(400.0);
            b.run_for(p, Span::ms(life));
        } else if cmd.contains("manage.py") {
            let p = b.spawn(
                sh,
                ExecSpec::new(
                    "/srv/app/venv/bin/python",
                    &[
                        "/srv/app/venv/bin/python",
                        "/srv/app/manage.py",
                        "clearsessions",
                    ],
                )
                .cwd("/srv/app"),
            );
            let life = self.life_ms(900.0);
            b.run_for(p, Span::ms(life));
        } else if cmd.contains("run-parts") {
            let rp = b.spawn(
                sh,
                ExecSpec::new(
                    "/usr/bin/run-parts",
                    &["run-parts", "--report", "/etc/cron.hourly"],
                ),
            );
            b.run_for(rp, Span::ms(15));
        } else if cmd.contains("debian-sa1") {
            let sa = b.spawn(
                sh,
                ExecSpec::new(
                    "/usr/lib/sysstat/debian-sa1",
                    &["/bin/sh", "/usr/lib/sysstat/debian-sa1", "1", "1"],
                ),
            );
            let sadc = b.spawn(
                sa,
                ExecSpec::new(
                    "/usr/lib/sysstat/sadc",
                    &[
                        "/usr/lib/sysstat/sadc",
                        "-F",
                        "-L",
                        "-S",
                        "DISK",
                        "1",
                        "1",
                        "/var/log/sysstat",
                    ],
                ),
            );
            b.run_for(sadc, Span::ms(1010));
            b.run_for(sa, Span::ms(5));
        } else {
            let s = b.spawn(
                sh,
                ExecSpec::new(
                    "/usr/local/bin/cert-check.sh",
                    &["/bin/bash", "/usr/local/bin/cert-check.sh"],
                ),
            );
            self.quick(
                &mut b,
                s,
                ExecSpec::new(
                    "/usr/bin/openssl",
                    &[
                        "openssl",
                        "x509",
                        "-enddate",
                        "-noout",
                        "-in",
                        "/etc/ssl/certs/site.pem",
                    ],
                ),
                9,
            );
            b.run_for(s, Span::ms(30));
        }
        b.run_for(sh, Span::ms(2));
        b.run_for(child, Span::ms(1));
        self.start_script(t, b.finish());
    }

    /// The monitoring agent's exec inputs, every 30 s.
    pub(crate) fn monitoring(&mut self, t: Timestamp) -> Option<Timestamp> {
        let mut b = self.script_builder();
        let agent = b.bind(self.state.monitor);
        let sh = self.sh_c_static(&mut b, agent, "/etc/telegraf/scripts/conntrack.sh");
        let conntrack = self.shared_spec(("exec", "conntrack.sh"), |_| {
            ExecSpec::new(
                "/etc/telegraf/scripts/conntrack.sh",
                &["/bin/bash", "/etc/telegraf/scripts/conntrack.sh"],
            )
        });
        let script = b.spawn_shared(sh, conntrack, Merge::Profile);
        self.quick_static(
            &mut b,
            script,
            "/usr/bin/cat",
            &["cat", "/proc/sys/net/netfilter/nf_conntrack_count"],
            2,
        );
        b.run_for(script, Span::ms(6));
        b.run_for(sh, Span::ms(1));
        if self.spec.role.is_web() && self.rng.chance(0.5) {
            let c = self.sh_c_static(
                &mut b,
                agent,
                "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1/healthz",
            );
            self.quick_static(
                &mut b,
                c,
                "/usr/bin/curl",
                &[
                    "curl",
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "http://127.0.0.1/healthz",
                ],
                25,
            );
            b.run_for(c, Span::ms(1));
        }
        self.start_script(t, b.finish());
        Some(t.plus(Span::secs(30)))
    }

    /// Daily timers: logrotate around midnight, man-db, package metadata refresh.
    pub(crate) fn daily_maintenance(&mut self, t: Timestamp) -> Option<Timestamp> {
        let mut b = self.script_builder();
        let init = b.bind(1);
        let lr = b.spawn(
            init,
            ExecSpec::new(
                "/usr/sbin/logrotate",
                &["/usr/sbin/logrotate", "/etc/logrotate.conf"],
            )
            .daemon(),
        );
        let logs: &[&str] = match self.spec.role {
            Role::WebNginxPhp | Role::WebGunicorn | Role::WebUwsgi => {
                &["/var/log/nginx/access.log", "/var/log/nginx/error.log"]
            }
            Role::WebApachePhp => &["/var/log/apache2/access.log", "/var/log/apache2/error.log"],
            Role::WebHttpdPhp => &["/var/log/httpd/access_log", "/var/log/httpd/error_log"],
            _ => &["/var/log/syslog", "/var/log/auth.log"],
        };
        let (ymd_y, ymd_m, ymd_d) = t.ymd();
        for log in logs {
            let rotated = format!("{log}.1");
            b.rename(
                lr,
                *log,
                rotated.clone(),
                self.rng.range(20_000, 80_000_000),
            );
            b.create(lr, *log, 0, None);
            let gz = self.quick(
                &mut b,
                lr,
                ExecSpec::with_args("/usr/bin/gzip", vec!["gzip".into(), format!("{log}.2")]),
                300,
            );
            b.create(
                gz,
                format!("{log}.2.gz"),
                self.rng.range(2_000, 9_000_000),
                Some(7.99),
            );
            b.delete(gz, format!("{log}.2"));
        }
        if let Some(master) = self.state.web_master
            && self.spec.role == Role::WebNginxPhp
        {
            let reload = self.sh_c(&mut b, lr, "invoke-rc.d nginx rotate >/dev/null 2>&1");
            self.quick(
                &mut b,
                reload,
                ExecSpec::new(
                    "/usr/sbin/invoke-rc.d",
                    &["/bin/sh", "/usr/sbin/invoke-rc.d", "nginx", "rotate"],
                ),
                40,
            );
            b.run_for(reload, Span::ms(2));
            let _ = master;
        }
        b.run_for(lr, Span::ms(30));
        let mandb = b.spawn(
            init,
            ExecSpec::new("/usr/bin/mandb", &["/usr/bin/mandb", "--quiet"]).daemon(),
        );
        let life = self.life_ms(4000.0);
        b.run_for(mandb, Span::ms(life));
        let _ = (ymd_y, ymd_m, ymd_d);
        self.start_script(t, b.finish());
        Some(self.next_daily(t, 0.0, 45.0))
    }

    /// Package upgrades (a few times a week per host): download, unpack with `.dpkg-new` renames, triggers.
    pub(crate) fn package_update(&mut self, t: Timestamp) -> Option<Timestamp> {
        let hour = 6.0 + self.rng.unit() * 2.0;
        let next = self.next_daily(t, hour, 60.0);
        if t <= self.params.start.plus(Span::mins(2)) || !self.rng.chance(0.4) {
            return Some(next);
        }
        let pkgs: &[(&str, &str)] = &[
            ("openssl", "/usr/bin/openssl"),
            ("curl", "/usr/bin/curl"),
            ("libc-bin", "/usr/sbin/ldconfig"),
            ("tzdata", "/usr/share/zoneinfo/Europe/Paris"),
            ("vim", "/usr/bin/vim.basic"),
            ("python3", "/usr/bin/python3.10"),
            ("sudo", "/usr/bin/sudo"),
        ];
        let mut b = self.script_builder();
        let init = b.bind(1);
        match self.spec.distro.family {
            Family::Debian => {
                let uu = b.spawn(
                    init,
                    ExecSpec::new(
                        "/usr/bin/unattended-upgrade",
                        &["/usr/bin/python3", "/usr/bin/unattended-upgrade"],
                    )
                    .daemon(),
                );
                let n = 1 + self.rng.below(3) as usize;
                for _ in 0..n {
                    let (pkg, file) = *self.rng.pick(pkgs);
                    let apt_user = self.spec.accounts.or_root("_apt");
                    let http = b.spawn(
                        uu,
                        ExecSpec::new("/usr/lib/apt/methods/http", &["/usr/lib/apt/methods/http"])
                            .user(apt_user),
                    );
                    let deb = format!(
                        "{pkg}_{}.{}-0ubuntu{}_amd64.deb",
                        self.rng.range(1, 9),
                        self.rng.range(0, 30),
                        self.rng.range(1, 9)
                    );
                    let partial = format!("/var/cache/apt/archives/partial/{deb}");
                    b.create(
                        http,
                        partial.clone(),
                        self.rng.range(50_000, 4_000_000),
                        Some(7.98),
                    );
                    b.wait(Span::ms(self.life_ms(800.0)));
                    b.rename(
                        http,
                        partial,
                        format!("/var/cache/apt/archives/{deb}"),
                        1_000_000,
                    );
                    b.run_for(http, Span::ms(5));
                    let dpkg = b.spawn(
                        uu,
                        ExecSpec::new(
                            "/usr/bin/dpkg",
                            &[
                                "/usr/bin/dpkg",
                                "--status-fd",
                                "10",
                                "--no-triggers",
                                "--unpack",
                                "--auto-deconfigure",
                            ],
                        ),
                    );
                    let newp = format!("{file}.dpkg-new");
                    b.create(
                        dpkg,
                        newp.clone(),
                        self.rng.range(10_000, 3_000_000),
                        Some(6.1),
                    );
                    b.rename(dpkg, newp, file, 1_000_000);
                    let post = b.spawn(
                        dpkg,
                        ExecSpec::with_args(
                            &format!("/var/lib/dpkg/info/{pkg}.postinst"),
                            vec![
                                "/bin/sh".into(),
                                format!("/var/lib/dpkg/info/{pkg}.postinst"),
                                "configure".into(),
                            ],
                        ),
                    );
                    self.quick(
                        &mut b,
                        post,
                        ExecSpec::new("/usr/sbin/ldconfig", &["/sbin/ldconfig"]),
                        60,
                    );
                    b.run_for(post, Span::ms(20));
                    b.run_for(dpkg, Span::ms(100));
                }
                b.run_for(uu, Span::secs(2));
            }
            Family::RedHat => {
                let dnf = b.spawn(
                    init,
                    ExecSpec::new(
                        "/usr/bin/dnf-automatic",
                        &[
                            "/usr/bin/python3",
                            "/usr/bin/dnf-automatic",
                            "/etc/dnf/automatic.conf",
                            "--timer",
                        ],
                    )
                    .daemon(),
                );
                let (pkg, file) = *self.rng.pick(pkgs);
                let rpm = format!(
                    "/var/cache/dnf/baseos-{}/packages/{pkg}-{}.el9.x86_64.rpm",
                    self.rng.string(CharClass::Hex, 16),
                    self.rng.range(1, 40)
                );
                b.create(dnf, rpm, self.rng.range(50_000, 4_000_000), Some(7.97));
                let tmp = format!("{file};{}", self.rng.string(CharClass::Hex, 8));
                b.create(
                    dnf,
                    tmp.clone(),
                    self.rng.range(10_000, 3_000_000),
                    Some(6.2),
                );
                b.rename(dnf, tmp, file, 1_000_000);
                self.quick(
                    &mut b,
                    dnf,
                    ExecSpec::new("/usr/sbin/ldconfig", &["/sbin/ldconfig"]),
                    60,
                );
                b.run_for(dnf, Span::secs(3));
            }
        }
        self.start_script(t, b.finish());
        Some(next)
    }

    /// The nightly backup: cron → sh -c → backup script → tar/pg_dump, then rsync to the backup server.
    pub(crate) fn backup(&mut self, t: Timestamp) -> Option<Timestamp> {
        let hour = 1.0 + self.rng.unit() * 2.5;
        let next = self.next_daily(t, hour, 20.0);
        if t <= self.params.start.plus(Span::mins(2)) {
            return Some(next);
        }
        let script_path = self.spec.backup_script.clone()?;
        let mut b = self.script_builder();
        let cron = b.bind(self.state.cron);
        let child = b.fork(cron);
        let root = self.spec.accounts.root();
        let sh = b.spawn(
            child,
            ExecSpec::with_args(
                self.spec.distro.sh(),
                vec![
                    "/bin/sh".into(),
                    "-c".into(),
                    format!("{script_path} >> /var/log/backup.log 2>&1"),
                ],
            )
            .user(root)
            .cwd("/root"),
        );
        let script = b.spawn(
            sh,
            ExecSpec::with_args(
                &script_path,
                vec!["/bin/bash".into(), script_path.to_string()],
            ),
        );
        let (y, m, d) = t.ymd();
        let archive = format!(
            "/var/backups/{}-{y:04}{m:02}{d:02}.tar.gz",
            self.spec.name()
        );
        if self.spec.role == Role::Database {
            let dump = b.spawn(
                script,
                ExecSpec::new("/usr/bin/pg_dumpall", &["pg_dumpall", "-U", "postgres"]),
            );
            let life = self.life_ms(60_000.0);
            b.run_for(dump, Span::ms(life));
        }
        let tar = b.spawn(
            script,
            ExecSpec::with_args(
                "/usr/bin/tar",
                vec![
                    "tar".into(),
                    "czf".into(),
                    archive.clone(),
                    "/etc".into(),
                    self.spec.webroot.to_string(),
                ],
            ),
        );
        b.create(
            tar,
            archive.clone(),
            self.rng.range(5_000_000, 900_000_000),
            Some(7.99),
        );
        let life = self.life_ms(20_000.0);
        b.run_for(tar, Span::ms(life));
        let dest = format!("backup@10.0.0.5:/srv/backups/{}/", self.spec.name());
        let rsync = b.spawn(
            script,
            ExecSpec::with_args(
                "/usr/bin/rsync",
                vec![
                    "rsync".into(),
                    "-az".into(),
                    "--delete".into(),
                    "/var/backups/".into(),
                    dest,
                ],
            ),
        );
        let ssh = b.spawn(
            rsync,
            ExecSpec::new(
                "/usr/bin/ssh",
                &[
                    "ssh",
                    "-l",
                    "backup",
                    "10.0.0.5",
                    "rsync",
                    "--server",
                    "-logDtprze.iLsfxCIvu",
                    "--delete",
                    ".",
                    "/srv/backups/",
                ],
            ),
        );
        let life = self.life_ms(40_000.0);
        b.run_for(ssh, Span::ms(life));
        b.run_for(rsync, Span::ms(10));
        self.quick(
            &mut b,
            script,
            ExecSpec::new(
                "/usr/bin/find",
                &[
                    "find",
                    "/var/backups",
                    "-name",
                    "*.tar.gz",
                    "-mtime",
                    "+7",
                    "-delete",
                ],
            ),
            40,
        );
        b.run_for(script, Span::ms(5));
        b.run_for(sh, Span::ms(1));
        b.run_for(child, Span::ms(1));
        self.start_script(t, b.finish());
        Some(next)
    }
}
