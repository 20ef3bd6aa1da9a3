//! Web and database activity: file writes by request workers (PHP sessions, upload temp files moved
//! into the web root, nginx body temp files, gunicorn worker temp files, JSP compilation), worker
//! recycling, the application's helper processes, PHP session garbage collection, PostgreSQL.

use crate::fleet::Role;
use crate::rng::CharClass;
use crate::sim::host_sim::HostSim;
use crate::sim::procs::ExecSpec;
use crate::time::{Span, Timestamp};

impl HostSim {
    fn pick_worker(&mut self) -> Option<u32> {
        let live: Vec<u32> = self
            .state
            .workers
            .iter()
            .copied()
            .filter(|p| self.table.get(*p).is_some())
            .collect();
        (!live.is_empty()).then(|| *self.rng.pick(&live))
    }

    /// Requests that make a worker write: sessions, uploads, temp and cache files.
    pub(crate) fn web_traffic(&mut self, t: Timestamp) -> Option<Timestamp> {
        // PHP applications write on new sessions (70%), uploads (15%) and caches; Python and Java
        // applications keep sessions in a database or in memory and write only for uploads spooled
        // to disk (and JSP compilation), the upload share of the same traffic. See README.md,
        // "Fleet profile: rates and their sources".
        let share = match self.spec.role {
            Role::WebGunicorn | Role::WebUwsgi | Role::WebTomcat => 0.15,
            _ => 1.0,
        };
        let per_hour = 40.0 * share * self.spec.traffic * self.params.traffic_scale;
        let next = self.next_arrival(t, per_hour);
        if !self.rng.chance(self.traffic_shape(t)) {
            return Some(next);
        }
        let Some(worker) = self.pick_worker() else {
            return Some(next);
        };
        let mut b = self.script_builder();
        let w = b.bind(worker);
        let root = self.spec.webroot.clone();
        match self.spec.role {
            Role::WebNginxPhp | Role::WebApachePhp | Role::WebHttpdPhp => {
                let roll = self.rng.unit();
                if roll < 0.7 {
                    let path: std::sync::Arc<str> = format!(
                        "{}/sess_{}",
                        self.spec.distro.php_sessions(),
                        self.rng.string(CharClass::LowerDigits, 26)
                    )
                    .into();
                    b.create(w, path.clone(), self.rng.range(0, 400), None);
                    self.state.sessions.push_back((t, path));
                    if self.state.sessions.len() > 5000 {
                        self.state.sessions.pop_front();
                    }
                } else if roll < 0.85 {
                    let tmp = format!("/tmp/php{}", self.rng.string(CharClass::Alnum, 6));
                    let (y, m, _) = t.ymd();
                    let name = format!(
                        "{}.{}",
                        self.rng.string(CharClass::LowerDigits, 10),
                        self.rng.pick(&["jpg", "png", "pdf"])
                    );
                    let size = self.rng.range(20_000, 5_000_000);
                    b.create(w, tmp.clone(), size, Some(7.9));
                    b.wait(Span::ms(3));
                    b.rename(
                        w,
                        tmp,
                        format!("{root}/wp-content/uploads/{y}/{m:02}/{name}"),
                        size,
                    );
                } else if let Some(nw) = self
                    .state
                    .nginx_workers
                    .first()
                    .copied()
                    .filter(|p| self.table.get(*p).is_some())
                {
                    let n = b.bind(nw);
                    self.state.body_seq += 1;
                    let path = format!("/var/lib/nginx/body/{:010}", self.state.body_seq);
                    b.create(
                        n,
                        path.clone(),
                        self.rng.range(70_000, 9_000_000),
                        Some(7.5),
                    );
                    b.wait(Span::ms(self.life_ms(300.0)));
                    b.delete(n, path);
                } else {
                    let path = format!(
                        "{root}/wp-content/cache/page_{}.html",
                        self.rng.string(CharClass::Hex, 32)
                    );
                    b.create(w, path, self.rng.range(5_000, 90_000), Some(5.1));
                }
            }
            Role::WebGunicorn | Role::WebUwsgi => {
                let path = format!("/tmp/tmp{}", self.rng.string(CharClass::LowerDigits, 8));
                b.create(w, path.clone(), self.rng.range(100, 200_000), Some(6.0));
                b.wait(Span::ms(self.life_ms(50.0)));
                b.delete(w, path);
            }
            Role::WebTomcat => {
                if self.rng.chance(0.05) {
                    let page = *self.rng.pick(&["index", "login", "cart", "search"]);
                    let base = "/opt/tomcat/work/Catalina/localhost/ROOT/org/apache/jsp";
                    b.create(
                        w,
                        format!("{base}/{page}_jsp.java"),
                        self.rng.range(3_000, 30_000),
                        Some(4.8),
                    );
                    b.create(
                        w,
                        format!("{base}/{page}_jsp.class"),
                        self.rng.range(3_000, 30_000),
                        Some(5.9),
                    );
                } else {
                    let path = format!(
                        "/opt/tomcat/temp/upload_{}_{:08}.tmp",
                        self.rng.string(CharClass::Hex, 8),
                        self.rng.below(99_999_999)
                    );
                    b.create(w, path.clone(), self.rng.range(1_000, 900_000), Some(7.2));
                    b.delete(w, path);
                }
            }
            Role::WebCaddy | Role::WebTraefik => {
                // Reverse proxies and static servers buffer requests in memory and write nothing per
                // request; they write files when they renew a certificate (a few times a week per
                // host), so an arrival here is a renewal with a probability that makes ~0.3 a day.
                let renewals_per_hour = 0.3 / 24.0;
                if !self.rng.chance(renewals_per_hour / per_hour) {
                    return Some(next);
                }
                let domain = format!("{}.example.com", self.spec.name());
                if self.spec.role == Role::WebCaddy {
                    let data = "/var/lib/caddy/.local/share/caddy";
                    let lock = format!("{data}/locks/issue_cert_{domain}.lock");
                    let dir = format!(
                        "{data}/certificates/acme-v02.api.letsencrypt.org-directory/{domain}"
                    );
                    b.create(w, lock.clone(), 64, None);
                    b.wait(Span::ms(self.life_ms(4_000.0)));
                    b.create(w, format!("{dir}/{domain}.crt"), 2_900, Some(5.9));
                    b.create(w, format!("{dir}/{domain}.key"), 227, Some(5.7));
                    b.create(w, format!("{dir}/{domain}.json"), 140, Some(5.0));
                    b.delete(w, lock);
                } else {
                    let path = format!(
                        "/etc/traefik/acme.json.{}",
                        self.rng.string(CharClass::Digits, 9)
                    );
                    b.create(w, path.clone(), self.rng.range(4_000, 30_000), Some(5.6));
                    b.rename(w, path, "/etc/traefik/acme.json", 9_000);
                }
            }
            _ => return Some(next),
        }
        self.start_script(t, b.finish());
        Some(next)
    }

    /// Replaces a worker (php-fpm `pm.max_requests`, apache `MaxConnectionsPerChild`, gunicorn
    /// `max_requests`). New gunicorn workers create and unlink their `wgunicorn-*` heartbeat file.
    pub(crate) fn worker_recycle(&mut self, t: Timestamp) -> Option<Timestamp> {
        let next = self.next_arrival(
            t,
            0.6 * self.spec.traffic.max(0.5) * self.params.traffic_scale,
        );
        let master = self
            .state
            .app_master
            .or(if self.spec.role == Role::WebApachePhp {
                self.state.web_master
            } else {
                None
            })?;
        self.table.get(master)?;
        let candidates: Vec<u32> = self
            .state
            .workers
            .iter()
            .copied()
            .filter(|p| {
                self.table
                    .get(*p)
                    .is_some_and(|e| e.pinned == 0 && e.children.is_empty())
            })
            .collect();
        if candidates.is_empty() {
            return Some(next);
        }
        let old = *self.rng.pick(&candidates);
        // The new worker gets its pid when the fork is played; remember it through the table afterwards.
        let acct = self.spec.accounts.or_root(self.spec.web_user());
        let Some(new) = self.table.fork(master, t) else {
            return Some(next);
        };
        self.table.set_user(new.pid, &acct);
        if let Some(img) = self.table.image(new.pid) {
            self.emit(
                t,
                crate::event::Body::Process(crate::event::ProcessBody {
                    actions: crate::event::ProcessActions::FORK,
                    process: img,
                    end: None,
                }),
                None,
            );
        }
        self.state.workers.retain(|p| *p != old);
        self.state.workers.push(new.pid);
        let mut b = self.script_builder();
        let w_new = b.bind(new.pid);
        let w_old = b.bind(old);
        if self.spec.role == Role::WebGunicorn {
            let hb = format!(
                "/tmp/wgunicorn-{}",
                self.rng.string(CharClass::LowerDigits, 8)
            );
            b.create(w_new, hb.clone(), 0, None);
            b.delete(w_new, hb);
        }
        b.wait(Span::ms(200));
        b.exit(w_old, 0);
        self.start_script(t, b.finish());
        Some(next)
    }

    /// The application's helpers: thumbnails on upload, mail, PDF rendering.
    pub(crate) fn web_app_exec(&mut self, t: Timestamp) -> Option<Timestamp> {
        let next = self.next_arrival(t, 3.0 * self.spec.traffic * self.params.traffic_scale);
        if !self.rng.chance(self.traffic_shape(t)) {
            return Some(next);
        }
        let Some(worker) = self.pick_worker() else {
            return Some(next);
        };
        let mut b = self.script_builder();
        let w = b.bind(worker);
        match self.spec.role {
            Role::WebNginxPhp | Role::WebApachePhp | Role::WebHttpdPhp => {
                if self.rng.chance(0.5) {
                    let sh = self.sh_c(&mut b, w, "/usr/sbin/sendmail -t -i");
                    let sm = b.spawn(
                        sh,
                        ExecSpec::new("/usr/sbin/sendmail", &["/usr/sbin/sendmail", "-t", "-i"]),
                    );
                    b.run_for(sm, Span::ms(self.life_ms(120.0)));
                    b.run_for(sh, Span::ms(1));
                } else {
                    let img = format!("/tmp/php{}", self.rng.string(CharClass::Alnum, 6));
                    let cmd = format!("convert {img} -resize 300x300 {img}_thumb.jpg");
                    let sh = self.sh_c(&mut b, w, &cmd);
                    let c = b.spawn(
                        sh,
                        ExecSpec::with_args(
                            "/usr/bin/convert",
                            cmd.split(' ').map(String::from).collect(),
                        ),
                    );
                    b.create(
                        c,
                        format!("{img}_thumb.jpg"),
                        self.rng.range(5_000, 60_000),
                        Some(7.9),
                    );
                    b.run_for(c, Span::ms(self.life_ms(250.0)));
                    b.run_for(sh, Span::ms(1));
                }
            }
            Role::WebGunicorn | Role::WebUwsgi => {
                let pdf = format!("/tmp/invoice-{}.pdf", self.rng.range(10_000, 99_999));
                let c = b.spawn(
                    w,
                    ExecSpec::with_args(
                        "/usr/bin/wkhtmltopdf",
                        vec!["wkhtmltopdf".into(), "-q".into(), "-".into(), pdf.clone()],
                    ),
                );
                b.create(c, pdf, self.rng.range(20_000, 300_000), Some(7.8));
                b.run_for(c, Span::ms(self.life_ms(900.0)));
            }
            _ => return Some(next),
        }
        self.start_script(t, b.finish());
        Some(next)
    }

    /// PHP session garbage collection every 30 minutes (`phpsessionclean`): `find … -delete`.
    pub(crate) fn session_clean(&mut self, t: Timestamp) -> Option<Timestamp> {
        let next = t.plus(Span::mins(30));
        let cutoff = t.minus(Span::mins(24));
        let mut old = Vec::new();
        while let Some((ct, _)) = self.state.sessions.front() {
            if *ct > cutoff || old.len() >= 500 {
                break;
            }
            if let Some((_, p)) = self.state.sessions.pop_front() {
                old.push(p);
            }
        }
        let mut b = self.script_builder();
        let init = b.bind(1);
        let sc = b.spawn(
            init,
            ExecSpec::new(
                "/usr/lib/php/sessionclean",
                &["/bin/sh", "/usr/lib/php/sessionclean"],
            )
            .daemon(),
        );
        let dir = self.spec.distro.php_sessions();
        let find = b.spawn(
            sc,
            ExecSpec::with_args(
                "/usr/bin/find",
                vec![
                    "find".into(),
                    "-O3".into(),
                    dir.into(),
                    "-ignore_readdir_race".into(),
                    "-depth".into(),
                    "-mindepth".into(),
                    "1".into(),
                    "-name".into(),
                    "sess_*".into(),
                    "-type".into(),
                    "f".into(),
                    "-cmin".into(),
                    "+24".into(),
                    "-delete".into(),
                ],
            ),
        );
        for p in old {
            b.delete(find, p);
        }
        b.run_for(find, Span::ms(20));
        b.run_for(sc, Span::ms(5));
        self.start_script(t, b.finish());
        Some(next)
    }

    /// PostgreSQL: a backend forked per connection; WAL segments created and recycled.
    pub(crate) fn postgres(&mut self, t: Timestamp) -> Option<Timestamp> {
        let next = self.next_arrival(t, 120.0 * self.spec.traffic * self.params.traffic_scale);
        let pm = self.state.postmaster?;
        let mut b = self.script_builder();
        let p = b.bind(pm);
        let backend = b.fork(p);
        b.run_for(backend, Span::ms(self.life_ms(2000.0)));
        if self.rng.chance(0.02) {
            self.state.wal_seq += 1;
            let dir = match self.spec.distro.family {
                crate::fleet::Family::Debian => "/var/lib/postgresql/16/main/pg_wal",
                crate::fleet::Family::RedHat => "/var/lib/pgsql/data/pg_wal",
            };
            let seg = format!(
                "{dir}/0000000100000{:03X}000000{:02X}",
                self.state.wal_seq / 256,
                self.state.wal_seq % 256
            );
            let old = format!(
                "{dir}/0000000100000{:03X}000000{:02X}",
                self.state.wal_seq / 256 + 1,
                self.state.wal_seq % 256
            );
            b.rename(p, old, seg, 16_777_216);
        }
        self.start_script(t, b.finish());
        Some(next)
    }
}
