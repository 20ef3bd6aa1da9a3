//! People and pipelines: administrators' SSH sessions, file transfers on jump hosts, developers in
//! tmux, and CI jobs with their deploy steps.

use std::sync::Arc;

use crate::event::EntryMeta;
use crate::fleet::Role;
use crate::rng::CharClass;
use crate::sim::host_sim::HostSim;
use crate::sim::procs::{ExecSpec, TtyMode};
use crate::sim::script::{ScriptBuilder, Slot};
use crate::time::{Span, Timestamp};

/// Interactive commands: (executable, argv, typical lifetime ms, weight).
const COMMANDS: &[(&str, &[&str], f64, u32)] = &[
    ("/usr/bin/ls", &["ls", "-la"], 6.0, 20),
    ("/usr/bin/cat", &["cat", "/etc/os-release"], 3.0, 6),
    (
        "/usr/bin/tail",
        &["tail", "-n", "200", "/var/log/syslog"],
        40.0,
        8,
    ),
    ("/usr/bin/less", &["less", "/var/log/auth.log"], 45_000.0, 3),
    (
        "/usr/bin/grep",
        &["grep", "-i", "error", "/var/log/syslog"],
        30.0,
        6,
    ),
    ("/usr/bin/ps", &["ps", "aux"], 25.0, 8),
    ("/usr/bin/top", &["top"], 30_000.0, 3),
    ("/usr/bin/df", &["df", "-h"], 5.0, 7),
    ("/usr/bin/free", &["free", "-m"], 3.0, 5),
    ("/usr/bin/uptime", &["uptime"], 2.0, 3),
    ("/usr/bin/w", &["w"], 6.0, 2),
    (
        "/usr/bin/systemctl",
        &["systemctl", "status", "elastic-agent"],
        60.0,
        6,
    ),
    (
        "/usr/bin/journalctl",
        &["journalctl", "-u", "ssh", "--since", "today"],
        400.0,
        4,
    ),
    ("/usr/bin/ss", &["ss", "-tlnp"], 9.0, 4),
    ("/usr/sbin/ip", &["ip", "a"], 4.0, 3),
    (
        "/usr/bin/ping",
        &["ping", "-c", "3", "10.0.0.1"],
        2_010.0,
        2,
    ),
    (
        "/usr/bin/curl",
        &["curl", "-sI", "http://localhost/"],
        30.0,
        3,
    ),
    ("/usr/bin/git", &["git", "status"], 40.0, 3),
];

impl HostSim {
    /// Opens an SSH login: sshd forks (privileged monitor, then session), the login shell leads a new
    /// entry session with `entry_meta.type = sshd`. Returns the shell slot.
    fn ssh_login(&mut self, b: &mut ScriptBuilder, user: &str, from_ip: &str) -> (Slot, Slot) {
        let sshd = b.bind(self.state.sshd);
        let monitor = b.fork(sshd);
        let session = b.fork(monitor);
        let acct = self.spec.accounts.or_root(user);
        let home = if user == "root" {
            "/root".to_string()
        } else {
            format!("/home/{user}")
        };
        let pts = self.rng.range(0, 9) as u16;
        let mut shell = ExecSpec::new("/usr/bin/bash", &["-bash"])
            .user(acct)
            .cwd(&home);
        shell.new_session = true;
        shell.new_group = true;
        shell.tty = TtyMode::Pts(pts);
        shell.entry = Some(Arc::new(EntryMeta {
            kind: "sshd",
            source_ip: Some(from_ip.into()),
        }));
        let sh = b.spawn(session, shell);
        (monitor, sh)
    }

    fn close_login(&mut self, b: &mut ScriptBuilder, monitor: Slot, shell: Slot) {
        b.wait(Span::secs(1));
        b.exit(shell, 0);
        b.exit(monitor, 0);
    }

    fn typed_commands(&mut self, b: &mut ScriptBuilder, shell: Slot, n: usize) {
        let weighted: Vec<(usize, u32)> =
            COMMANDS.iter().enumerate().map(|(i, c)| (i, c.3)).collect();
        for _ in 0..n {
            b.wait(Span::from_secs_f64(self.rng.exp(25.0) + 1.0));
            let (exe, args, life, _) = COMMANDS[*self.rng.weighted(&weighted)];
            if self.rng.chance(0.12) {
                // sudo: setuid root, the real user stays the admin; sudo forks the command.
                let mut sudo = ExecSpec::with_args(
                    "/usr/bin/sudo",
                    std::iter::once("sudo")
                        .chain(args.iter().copied())
                        .map(String::from)
                        .collect(),
                )
                .job();
                sudo.user = Some(self.spec.accounts.root());
                sudo.set_real = false;
                let s = b.spawn(shell, sudo);
                let cmd = b.spawn(s, ExecSpec::new(exe, args).user(self.spec.accounts.root()));
                let l = self.life_ms(life);
                b.run_for(cmd, Span::ms(l));
                b.run_for(s, Span::ms(3));
            } else if exe.ends_with("/ps") && self.rng.chance(0.5) {
                let ps = b.spawn(shell, ExecSpec::new(exe, args).job());
                let grep = b.spawn(
                    shell,
                    ExecSpec::new("/usr/bin/grep", &["grep", "--color=auto", "nginx"]),
                );
                b.run_for(ps, Span::ms(20));
                b.run_for(grep, Span::ms(2));
            } else {
                let c = b.spawn(shell, ExecSpec::new(exe, args).job());
                let l = self.life_ms(life);
                b.run_for(c, Span::ms(l));
            }
        }
    }

    /// An administrator logs in, runs commands, sometimes edits a file with vim, logs out.
    pub(crate) fn admin_session(&mut self, t: Timestamp) -> Option<Timestamp> {
        let per_hour = match self.spec.role {
            Role::Bastion => 4.0,
            Role::Database | Role::CiRunner => 0.3,
            Role::DevWorkstation => 0.05,
            _ => 0.25,
        } * self.spec.activity
            * self.params.activity_scale;
        let next = self.next_arrival(t, per_hour);
        if !self.rng.chance(self.office_hours(t)) {
            return Some(next);
        }
        let admin = *self.rng.pick(&self.spec.admins);
        let from = format!("10.0.{}.{}", self.rng.range(0, 3), self.rng.range(10, 250));
        let mut b = self.script_builder();
        let (monitor, shell) = self.ssh_login(&mut b, admin, &from);
        let n = 2 + self.rng.below(18) as usize;
        self.typed_commands(&mut b, shell, n);
        if self.rng.chance(0.25) {
            // vim writes a swap file and probes the directory with a file named 4913.
            let file = *self.rng.pick(&["notes.txt", "deploy.yml", "check.sh"]);
            let vim = b.spawn(
                shell,
                ExecSpec::with_args("/usr/bin/vim.basic", vec!["vim".into(), file.into()]).job(),
            );
            let home = if admin == "root" {
                "/root".to_string()
            } else {
                format!("/home/{admin}")
            };
            b.create(vim, format!("{home}/.{file}.swp"), 12_288, None);
            b.wait(Span::from_secs_f64(self.rng.exp(60.0) + 5.0));
            b.create(vim, format!("{home}/4913"), 0, None);
            b.delete(vim, format!("{home}/4913"));
            b.create(
                vim,
                format!("{home}/{file}"),
                self.rng.range(100, 9000),
                Some(4.6),
            );
            b.delete(vim, format!("{home}/.{file}.swp"));
            b.run_for(vim, Span::ms(30));
        }
        self.close_login(&mut b, monitor, shell);
        self.start_script(t, b.finish());
        Some(next)
    }

    /// Administrators moving files through a jump host: scp, rsync and sftp from their login shell.
    pub(crate) fn transfer_session(&mut self, t: Timestamp) -> Option<Timestamp> {
        let next = self.next_arrival(t, 1.5 * self.spec.activity * self.params.activity_scale);
        if !self.rng.chance(self.office_hours(t)) {
            return Some(next);
        }
        let admin = *self.rng.pick(&self.spec.admins);
        let from = format!("10.0.{}.{}", self.rng.range(0, 3), self.rng.range(10, 250));
        let mut b = self.script_builder();
        let (monitor, shell) = self.ssh_login(&mut b, admin, &from);
        let n = 1 + self.rng.below(3) as usize;
        self.typed_commands(&mut b, shell, n);
        let target = format!(
            "10.{}.{}.{}",
            self.rng.range(10, 12),
            self.rng.range(0, 31),
            self.rng.range(10, 250)
        );
        let file = format!(
            "{}.tar.gz",
            self.rng.pick(&["logs", "dump", "configs", "report"])
        );
        b.wait(Span::secs(5));
        let (exe, args): (&str, Vec<String>) = match self.rng.below(3) {
            0 => (
                "/usr/bin/scp",
                vec![
                    "scp".into(),
                    file.clone(),
                    format!("{admin}@{target}:/tmp/"),
                ],
            ),
            1 => (
                "/usr/bin/rsync",
                vec![
                    "rsync".into(),
                    "-avz".into(),
                    "./".into(),
                    format!("{admin}@{target}:~/sync/"),
                ],
            ),
            _ => (
                "/usr/bin/sftp",
                vec!["sftp".into(), format!("{admin}@{target}")],
            ),
        };
        let x = b.spawn(shell, ExecSpec::with_args(exe, args).job());
        let ssh = b.spawn(
            x,
            ExecSpec::with_args(
                "/usr/bin/ssh",
                vec![
                    "/usr/bin/ssh".into(),
                    "-x".into(),
                    "-oForwardAgent=no".into(),
                    "-l".into(),
                    admin.into(),
                    target,
                ],
            ),
        );
        let l = self.life_ms(8000.0);
        b.run_for(ssh, Span::ms(l));
        b.run_for(x, Span::ms(3));
        self.close_login(&mut b, monitor, shell);
        self.start_script(t, b.finish());
        Some(next)
    }

    /// A developer in tmux: git, builds with many compiler processes, editors, `./build.sh` syncing to
    /// a staging host with rsync, Python tools.
    pub(crate) fn dev_session(&mut self, t: Timestamp) -> Option<Timestamp> {
        let next = self.next_arrival(t, 6.0 * self.spec.activity * self.params.activity_scale);
        if !self.rng.chance(self.office_hours(t)) {
            return Some(next);
        }
        let tmux = self.state.tmux?;
        let owner = self.spec.owner.unwrap_or("jlee");
        let project = *self
            .rng
            .pick(&["shop-api", "billing", "infra-tools", "web-frontend"]);
        let dir = format!("/home/{owner}/src/{project}");
        let mut b = self.script_builder();
        let server = b.bind(tmux);
        let mut shell = ExecSpec::new("/usr/bin/bash", &["-bash"]).cwd(&dir);
        shell.new_session = true;
        shell.new_group = true;
        shell.tty = TtyMode::Pts(self.rng.range(1, 12) as u16);
        let sh = b.spawn(server, shell);
        let git = b.spawn(
            sh,
            ExecSpec::new("/usr/bin/git", &["git", "pull", "--rebase"]).job(),
        );
        let remote = b.spawn(
            git,
            ExecSpec::new(
                "/usr/bin/ssh",
                &[
                    "/usr/bin/ssh",
                    "-o",
                    "SendEnv=GIT_PROTOCOL",
                    "git@gitlab.internal",
                    "git-upload-pack '/team/repo.git'",
                ],
            ),
        );
        b.run_for(remote, Span::ms(self.life_ms(900.0)));
        b.run_for(git, Span::ms(20));
        b.wait(Span::from_secs_f64(self.rng.exp(60.0)));
        match self.rng.below(3) {
            0 => {
                let cargo = b.spawn(
                    sh,
                    ExecSpec::new("/home/dev/.cargo/bin/cargo", &["cargo", "build"]).job(),
                );
                for i in 0..(3 + self.rng.below(12)) {
                    let rc = b.spawn(cargo, ExecSpec::with_args("/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/rustc", vec!["rustc".into(), "--crate-name".into(), format!("dep{i}"), "--edition=2021".into()]));
                    b.create(
                        rc,
                        format!(
                            "{dir}/target/debug/deps/libdep{i}-{}.rlib",
                            self.rng.string(CharClass::Hex, 16)
                        ),
                        self.rng.range(20_000, 4_000_000),
                        Some(6.3),
                    );
                    b.run_for(rc, Span::ms(self.life_ms(1500.0)));
                }
                b.run_for(cargo, Span::ms(50));
            }
            1 => {
                let py = b.spawn(
                    sh,
                    ExecSpec::new("/usr/bin/python3", &["python3", "-m", "pytest", "-q"]).job(),
                );
                b.create(
                    py,
                    format!("{dir}/.pytest_cache/v/cache/lastfailed"),
                    120,
                    None,
                );
                b.run_for(py, Span::ms(self.life_ms(8000.0)));
            }
            _ => {
                let vim = b.spawn(
                    sh,
                    ExecSpec::new("/usr/bin/vim.basic", &["vim", "src/main.py"]).job(),
                );
                b.create(vim, format!("{dir}/src/.main.py.swp"), 12_288, None);
                b.wait(Span::from_secs_f64(self.rng.exp(300.0) + 20.0));
                b.delete(vim, format!("{dir}/src/.main.py.swp"));
                b.exit(vim, 0);
            }
        }
        if self.rng.chance(0.35) {
            // ./build.sh packages the project and syncs it to staging with rsync.
            let script = format!("{dir}/build.sh");
            let bs = b.spawn(
                sh,
                ExecSpec::with_args(&script, vec!["/bin/bash".into(), "./build.sh".into()]).job(),
            );
            let tar = b.spawn(
                bs,
                ExecSpec::new("/usr/bin/tar", &["tar", "czf", "dist.tgz", "dist/"]),
            );
            b.create(
                tar,
                format!("{dir}/dist.tgz"),
                self.rng.range(100_000, 20_000_000),
                Some(7.99),
            );
            b.run_for(tar, Span::ms(self.life_ms(1200.0)));
            let rs = b.spawn(
                bs,
                ExecSpec::with_args(
                    "/usr/bin/rsync",
                    vec![
                        "rsync".into(),
                        "-az".into(),
                        "dist/".into(),
                        format!("{owner}@staging.internal:/srv/{project}/"),
                    ],
                ),
            );
            let ssh = b.spawn(
                rs,
                ExecSpec::new(
                    "/usr/bin/ssh",
                    &[
                        "ssh",
                        "staging.internal",
                        "rsync",
                        "--server",
                        "-logDtprze.iLsfxCIvu",
                        ".",
                        "/srv/",
                    ],
                ),
            );
            b.run_for(ssh, Span::ms(self.life_ms(3000.0)));
            b.run_for(rs, Span::ms(4));
            b.run_for(bs, Span::ms(10));
        }
        b.wait(Span::from_secs_f64(self.rng.exp(120.0)));
        b.exit(sh, 0);
        self.start_script(t, b.finish());
        Some(next)
    }

    /// A CI job: gitlab-runner → bash build script → git, make/npm, docker; deploy jobs rsync the
    /// artifacts (from bash, from `deploy.sh`, or from a Python sync tool).
    pub(crate) fn ci_job(&mut self, t: Timestamp) -> Option<Timestamp> {
        let next = self.next_arrival(t, 10.0 * self.spec.activity * self.params.activity_scale);
        if !self.rng.chance(0.2 + 0.8 * self.office_hours(t)) {
            return Some(next);
        }
        let runner = self.state.runner?;
        let job = self.rng.range(100_000, 999_999);
        let project = *self.rng.pick(&["shop-api", "billing", "web-frontend"]);
        let dir = format!("/home/gitlab-runner/builds/x7Yz1/0/team/{project}");
        let mut b = self.script_builder();
        let r = b.bind(runner);
        let user = self.spec.accounts.or_root("gitlab-runner");
        let bash = b.spawn(
            r,
            ExecSpec::new("/usr/bin/bash", &["bash", "--login"])
                .user(user)
                .cwd(&dir)
                .daemon(),
        );
        let git = b.spawn(
            bash,
            ExecSpec::new(
                "/usr/bin/git",
                &[
                    "git",
                    "fetch",
                    "origin",
                    "--prune",
                    "+refs/heads/*:refs/remotes/origin/*",
                ],
            ),
        );
        b.run_for(git, Span::ms(self.life_ms(1500.0)));
        let make = b.spawn(bash, ExecSpec::new("/usr/bin/make", &["make", "build"]));
        for _ in 0..(2 + self.rng.below(6)) {
            let cc = b.spawn(
                make,
                ExecSpec::new("/usr/bin/npm", &["npm", "run", "build"]),
            );
            b.create(
                cc,
                format!(
                    "{dir}/dist/bundle.{}.js",
                    self.rng.string(CharClass::Hex, 8)
                ),
                self.rng.range(10_000, 900_000),
                Some(5.2),
            );
            b.run_for(cc, Span::ms(self.life_ms(4000.0)));
        }
        b.run_for(make, Span::ms(10));
        if self.rng.chance(0.3) {
            let target = format!(
                "deploy@web-php-{:02}.internal:/var/www/html/",
                self.rng.range(1, 9)
            );
            match self.rng.below(3) {
                0 => {
                    let rs = b.spawn(
                        bash,
                        ExecSpec::with_args(
                            "/usr/bin/rsync",
                            vec![
                                "rsync".into(),
                                "-az".into(),
                                "--delete".into(),
                                "dist/".into(),
                                target,
                            ],
                        ),
                    );
                    b.run_for(rs, Span::ms(self.life_ms(5000.0)));
                }
                1 => {
                    let script = format!("{dir}/deploy.sh");
                    let d = b.spawn(
                        bash,
                        ExecSpec::with_args(
                            &script,
                            vec![
                                "/bin/bash".into(),
                                "./deploy.sh".into(),
                                "production".into(),
                            ],
                        ),
                    );
                    let rs = b.spawn(
                        d,
                        ExecSpec::with_args(
                            "/usr/bin/rsync",
                            vec!["rsync".into(), "-az".into(), "dist/".into(), target],
                        ),
                    );
                    b.run_for(rs, Span::ms(self.life_ms(5000.0)));
                    b.run_for(d, Span::ms(20));
                }
                _ => {
                    let tool = "/usr/local/bin/artifact-sync.py";
                    let p = b.spawn(
                        bash,
                        ExecSpec::with_args(
                            tool,
                            vec![
                                "/usr/bin/python3".into(),
                                tool.into(),
                                "--job".into(),
                                job.to_string(),
                            ],
                        ),
                    );
                    let rs = b.spawn(
                        p,
                        ExecSpec::with_args(
                            "/usr/bin/rsync",
                            vec!["rsync".into(), "-a".into(), "dist/".into(), target],
                        ),
                    );
                    b.run_for(rs, Span::ms(self.life_ms(5000.0)));
                    b.run_for(p, Span::ms(40));
                }
            }
        }
        b.run_for(bash, Span::ms(20));
        self.start_script(t, b.finish());
        Some(next)
    }
}
