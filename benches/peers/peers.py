"""Peer benchmark: the seed rules in DuckDB (SQL) and Polars (lazy dataframes) against `detsim eval`,
on the same Parquet and NDJSON files.

For every rule × input (parquet, ndjson) × threads (1, all) × engine (detsim, duckdb, polars) the query
runs `--repeat` times and the median wall time is reported as events/s (documents of the rule's data
stream per second) and MB/s (bytes of the stream's file per second), with detsim's speed-up over the
peer (peer time / detsim time: above 1, detsim is faster). detsim's time is the whole `detsim eval`
process (start-up, rule parsing, reading, evaluation, printing); a peer's is the query alone. Before timing, each peer's alert rows are checked against detsim's (`detsim eval --format
json`): the same groups with the same counts, distinct counts and value sets. detsim applies ES|QL's
implicit `LIMIT 1000`; when it returns 1000 rows of an unsorted result, the check is that every detsim
row is among the peer's rows.

Usage (see run.sh): peers.py --detsim BIN --ndjson DIR --parquet DIR [--repeat N] [--rules a,b]
A Polars measurement runs in a child process (`peers.py polars-child …`) because Polars fixes its
thread count when it is imported.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

FILE_TRANSFER = "exfiltration_unusual_file_transfer_utility_launched"
WEB_SERVER = "persistence_web_server_sus_file_creation"
STREAM = {
    FILE_TRANSFER: "logs-endpoint.events.process-default",
    WEB_SERVER: "logs-endpoint.events.file-default",
}

SHELLS = ["bash", "dash", "sh", "tcsh", "csh", "zsh", "ksh", "fish"]
FT_NAMES = ["scp", "ftp", "sftp", "vsftpd", "sftp-server", "rsync"]
FT_PARENT_NAME_LIKE = [".%", "%.elf", "%.sh", "%.py", "%.rb", "%.pl", "%.lua%", "%.php%", "%.js"]
FT_PARENT_EXE_LIKE = [
    "/tmp/%", "/var/tmp/%", "/dev/shm/%", "./%", "/run/%", "/var/run/%", "/boot/%", "/sys/%",
    "/lost+found/%", "/proc/%", "/var/mail/%", "/var/www/%", "/home/%", "/root/%",
]
WS_NAMES = [
    "apache", "nginx", "apache2", "httpd", "lighttpd", "caddy", "mongrel_rails", "gunicorn",
    "uwsgi", "openresty", "cherokee", "h2o", "resin", "puma", "unicorn", "traefik", "tornado",
    "hypercorn", "daphne", "twistd", "yaws", "webfsd", "httpd.worker", "flask", "rails", "mongrel",
    "php-cgi", "php-fcgi", "php-cgi.cagefs", "catalina.sh", "hiawatha", "lswsctrl",
]
WS_USERS = ["apache", "www-data", "httpd", "nginx", "lighttpd", "tomcat", "tomcat8", "tomcat9"]
WS_UIDS = ["33", "498", "48"]


def sql_list(xs):
    return ", ".join("'" + x.replace("'", "''") + "'" for x in xs)


# --- DuckDB ---------------------------------------------------------------------------------------

def duck_source(rule, kind, path):
    """A relation with normalised columns: lists for event.action/event.type, scalars otherwise."""
    if kind == "parquet":
        cols = {
            "act": '"event.action"', "etype": '"event.type"', "os_type": '"host.os.type"',
            "pname": '"process.name"', "pexe": '"process.executable"', "agent_id": '"agent.id"',
            "host_name": '"host.name"', "ns": '"data_stream.namespace"',
        }
        if rule == FILE_TRANSFER:
            cols.update(ppname='"process.parent.name"', ppexe='"process.parent.executable"',
                        ds='"data_stream.dataset"')
        else:
            cols.update(uname='"user.name"', uid='"user.id"', fpath='"file.path"',
                        ds='"event.dataset"')
        # event.action / event.type are list columns in some streams, strings in others: lists here.
        for k, c in (("act", "event.action"), ("etype", "event.type")):
            if not parquet_is_list(path, c):
                cols[k] = f'["{c}"]'
        sel = ", ".join(f"{v} AS {k}" for k, v in cols.items())
        return f"(SELECT {sel} FROM read_parquet('{path}'))"
    # NDJSON: only the needed fields, declared; event.action is a string or a list in the documents.
    process = "STRUCT(name VARCHAR, executable VARCHAR, parent STRUCT(name VARCHAR, executable VARCHAR))"
    columns = {
        "event": 'STRUCT(action JSON, "type" JSON, dataset VARCHAR)',
        "host": 'STRUCT(os STRUCT("type" VARCHAR), name VARCHAR)',
        "process": process,
        "agent": "STRUCT(id VARCHAR)",
        "data_stream": "STRUCT(dataset VARCHAR, namespace VARCHAR)",
    }
    if rule == WEB_SERVER:
        columns["user"] = "STRUCT(name VARCHAR, id VARCHAR)"
        columns["file"] = "STRUCT(path VARCHAR)"
    decl = ", ".join(f"'{k}': '{v}'" for k, v in columns.items())

    def as_list(x):
        return (f"CASE WHEN {x} IS NULL THEN NULL WHEN json_type({x}) = 'ARRAY' "
                f"THEN from_json({x}, '[\"VARCHAR\"]') ELSE [{x} ->> '$'] END")

    extra = ("process.parent.name AS ppname, process.parent.executable AS ppexe, "
             "data_stream.dataset AS ds" if rule == FILE_TRANSFER else
             "\"user\".name AS uname, \"user\".id AS uid, file.path AS fpath, event.dataset AS ds")
    return (f"(SELECT {as_list('event.action')} AS act, {as_list('event.type')} AS etype, "
            f"host.os.type AS os_type, process.name AS pname, process.executable AS pexe, "
            f"agent.id AS agent_id, host.name AS host_name, data_stream.namespace AS ns, {extra} "
            f"FROM read_json('{path}', format='newline_delimited', columns={{{decl}}}))")


def parquet_is_list(path, column):
    import duckdb

    rows = duckdb.sql(f"DESCRIBE SELECT \"{column}\" FROM read_parquet('{path}')").fetchall()
    return rows[0][1].endswith("[]")


def duck_query(rule, kind, path):
    src = duck_source(rule, kind, path)
    if rule == FILE_TRANSFER:
        cond = (
            "os_type = 'linux' AND len(list_distinct(etype)) = 1 AND list_distinct(etype)[1] = 'start' "
            f"AND action = 'exec' AND pname IN ({sql_list(FT_NAMES)}) AND ("
            f"ppname IN ({sql_list(SHELLS)}) OR "
            + " OR ".join(f"ppname LIKE '{p}'" for p in FT_PARENT_NAME_LIKE) + " OR "
            + " OR ".join(f"ppexe LIKE '{p}'" for p in FT_PARENT_EXE_LIKE) + ")"
        )
        key2 = "ppexe"
    else:
        cond = (
            f"os_type = 'linux' AND action = 'creation' AND (pname IN ({sql_list(WS_NAMES)}) "
            f"OR pname LIKE 'php-fpm%' OR uname IN ({sql_list(WS_USERS)}) "
            f"OR uid IN ({sql_list(WS_UIDS)}))"
        )
        key2 = "fpath"
    nn = "FILTER (WHERE {0} IS NOT NULL)"
    return f"""
        SELECT pexe AS k1, {key2} AS k2, count(*) AS n, count(DISTINCT agent_id) AS cd,
               list(DISTINCT host_name) {nn.format('host_name')} AS hosts,
               list(DISTINCT agent_id) {nn.format('agent_id')} AS agents
        FROM (SELECT *, unnest(list_distinct(act)) AS action FROM {src})
        WHERE {cond}
        GROUP BY pexe, {key2}
        HAVING count(DISTINCT agent_id) = 1 AND count(*) < 5
    """


def run_duckdb(rule, kind, path, threads):
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    t = time.perf_counter()
    rows = con.execute(duck_query(rule, kind, path)).fetchall()
    return time.perf_counter() - t, [norm(r) for r in rows]


# --- Polars ---------------------------------------------------------------------------------------

def polars_frame(rule, kind, path):
    import polars as pl

    if kind == "parquet":
        names = {
            "event.action": "act", "event.type": "etype", "host.os.type": "os_type",
            "process.name": "pname", "process.executable": "pexe", "agent.id": "agent_id",
            "host.name": "host_name",
        }
        if rule == FILE_TRANSFER:
            names.update({"process.parent.name": "ppname", "process.parent.executable": "ppexe"})
        else:
            names.update({"user.name": "uname", "user.id": "uid", "file.path": "fpath"})
        lf = pl.scan_parquet(path).select([pl.col(k).alias(v) for k, v in names.items()])
        schema = lf.collect_schema()
        for c in ("act", "etype"):
            if not isinstance(schema[c], pl.List):
                lf = lf.with_columns(pl.concat_list(c).alias(c))
        return lf
    # NDJSON: a declared schema of only the needed fields; event.action and event.type may be a
    # string or a list, so they are read as JSON text and decoded.
    S = pl.String
    fields = {
        "event": pl.Struct({"action": S, "type": S}),
        "host": pl.Struct({"os": pl.Struct({"type": S}), "name": S}),
        "process": pl.Struct({"name": S, "executable": S,
                              "parent": pl.Struct({"name": S, "executable": S})}),
        "agent": pl.Struct({"id": S}),
    }
    if rule == WEB_SERVER:
        fields["user"] = pl.Struct({"name": S, "id": S})
        fields["file"] = pl.Struct({"path": S})
    lf = pl.scan_ndjson(path, schema=fields)

    def as_list(e):
        return (pl.when(e.str.starts_with("["))
                .then(e.str.json_decode(pl.List(pl.String)))
                .otherwise(pl.concat_list(e)))

    cols = [
        as_list(pl.col("event").struct.field("action")).alias("act"),
        as_list(pl.col("event").struct.field("type")).alias("etype"),
        pl.col("host").struct.field("os").struct.field("type").alias("os_type"),
        pl.col("process").struct.field("name").alias("pname"),
        pl.col("process").struct.field("executable").alias("pexe"),
        pl.col("agent").struct.field("id").alias("agent_id"),
        pl.col("host").struct.field("name").alias("host_name"),
    ]
    if rule == FILE_TRANSFER:
        parent = pl.col("process").struct.field("parent")
        cols += [parent.struct.field("name").alias("ppname"),
                 parent.struct.field("executable").alias("ppexe")]
    else:
        cols += [pl.col("user").struct.field("name").alias("uname"),
                 pl.col("user").struct.field("id").alias("uid"),
                 pl.col("file").struct.field("path").alias("fpath")]
    return lf.select(cols)


def like(col, pattern):
    import polars as pl

    c = pl.col(col)
    if pattern.startswith("%") and pattern.endswith("%"):
        return c.str.contains(pattern[1:-1], literal=True)
    if pattern.startswith("%"):
        return c.str.ends_with(pattern[1:])
    if pattern.endswith("%"):
        return c.str.starts_with(pattern[:-1])
    return c == pattern


def run_polars(rule, kind, path):
    import polars as pl

    lf = polars_frame(rule, kind, path)
    etype = pl.col("etype").list.unique()
    lf = lf.with_columns(pl.col("act").list.unique().alias("action")).explode("action")
    if rule == FILE_TRANSFER:
        anyof = pl.col("ppname").is_in(SHELLS)
        for p in FT_PARENT_NAME_LIKE:
            anyof = anyof | like("ppname", p)
        for p in FT_PARENT_EXE_LIKE:
            anyof = anyof | like("ppexe", p)
        cond = ((pl.col("os_type") == "linux") & (etype.list.len() == 1)
                & (etype.list.first() == "start") & (pl.col("action") == "exec")
                & pl.col("pname").is_in(FT_NAMES) & anyof)
        key2 = "ppexe"
    else:
        cond = ((pl.col("os_type") == "linux") & (pl.col("action") == "creation")
                & (pl.col("pname").is_in(WS_NAMES) | like("pname", "php-fpm%")
                   | pl.col("uname").is_in(WS_USERS) | pl.col("uid").is_in(WS_UIDS)))
        key2 = "fpath"
    out = (lf.filter(cond)
           .group_by(["pexe", key2])
           .agg(pl.len().alias("n"), pl.col("agent_id").n_unique().alias("cd_raw"),
                pl.col("agent_id").drop_nulls().n_unique().alias("cd"),
                pl.col("host_name").drop_nulls().unique().alias("hosts"),
                pl.col("agent_id").drop_nulls().unique().alias("agents"))
           .filter((pl.col("cd") == 1) & (pl.col("n") < 5)))
    t = time.perf_counter()
    df = out.collect()
    elapsed = time.perf_counter() - t
    rows = [norm((r["pexe"], r[key2], r["n"], r["cd"], r["hosts"], r["agents"]))
            for r in df.iter_rows(named=True)]
    return elapsed, rows


# --- detsim ---------------------------------------------------------------------------------------

def run_detsim(binary, rule_file, data, threads):
    t = time.perf_counter()
    p = subprocess.run([binary, "eval", "--rule", rule_file, "--data", data, "--format", "json",
                        "--threads", str(threads)], capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"detsim eval failed: {p.stderr}")
    rows = []
    key2 = "process.parent.executable" if FILE_TRANSFER in rule_file else "file.path"
    for line in p.stdout.splitlines():
        r = json.loads(line)
        rows.append(norm((r["process.executable"], r[key2], r["Esql.event_count"],
                          r["Esql.agent_id_count_distinct"], r["Esql.host_name_values"],
                          r["Esql.agent_id_values"])))
    return elapsed, rows


def norm(r):
    def vals(v):
        if v is None:
            return ()
        if isinstance(v, str):
            return (v,)
        return tuple(sorted(x for x in v if x is not None))
    return (r[0], r[1], int(r[2]), int(r[3]), vals(r[4]), vals(r[5]))


def check(name, detsim_rows, peer_rows):
    d, p = set(detsim_rows), set(peer_rows)
    if len(detsim_rows) >= 1000:
        ok = d <= p and len(p) >= 1000
        how = f"detsim's {len(d)} rows (implicit LIMIT 1000) all among the peer's {len(p)}"
    else:
        ok = d == p and len(detsim_rows) == len(peer_rows)
        how = f"{len(d)} rows equal"
    if not ok:
        missing = sorted(d - p)[:3]
        extra = sorted(p - d)[:3]
        sys.exit(f"MISMATCH {name}: detsim {len(d)} rows, peer {len(p)}; only detsim: {missing}; "
                 f"only peer: {extra}")
    return how


def polars_child(args):
    elapsed, rows = run_polars(args.rule, args.kind, args.path)
    print(json.dumps({"elapsed": elapsed, "rows": rows}))


def polars_in_child(rule, kind, path, threads):
    env = dict(os.environ, POLARS_MAX_THREADS=str(threads))
    p = subprocess.run([sys.executable, __file__, "polars-child", rule, kind, path],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"polars failed: {p.stderr}")
    out = json.loads(p.stdout)
    return out["elapsed"], [tuple(tuple(x) if isinstance(x, list) else x for x in r)
                            for r in out["rows"]]


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "polars-child":
        ns = argparse.Namespace(rule=sys.argv[2], kind=sys.argv[3], path=sys.argv[4])
        return polars_child(ns)
    ap = argparse.ArgumentParser()
    ap.add_argument("--detsim", required=True)
    ap.add_argument("--ndjson", required=True)
    ap.add_argument("--parquet", required=True)
    ap.add_argument("--rules-dir", default="rules")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rules", default=f"{FILE_TRANSFER},{WEB_SERVER}")
    ap.add_argument("--ws-ndjson", help="the web-server rule's NDJSON folder (default: --ndjson)")
    ap.add_argument("--ws-parquet", help="the web-server rule's Parquet folder (default: --parquet)")
    ap.add_argument("--kinds", default="parquet,ndjson", help="inputs to run (parquet,ndjson)")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    table = []
    for rule in args.rules.split(","):
        stream = STREAM[rule]
        rule_file = os.path.join(args.rules_dir, rule + ".toml")
        folders = {"parquet": args.parquet, "ndjson": args.ndjson}
        if rule == WEB_SERVER:
            folders = {"parquet": args.ws_parquet or args.parquet,
                       "ndjson": args.ws_ndjson or args.ndjson}
        for kind in args.kinds.split(","):
            folder = folders[kind]
            path = os.path.join(folder, f"{stream}.{kind}")
            size = os.path.getsize(path)
            events = count_events(folder, stream)
            for threads in sorted({1, cores}):
                detsim_t = []
                for _ in range(args.repeat):
                    t, drows = run_detsim(args.detsim, rule_file, folder, threads)
                    detsim_t.append(t)
                base = statistics.median(detsim_t)
                table.append((rule, kind, threads, "detsim", base, events, size, base, "-"))
                for engine in ("duckdb", "polars"):
                    times = []
                    for _ in range(args.repeat):
                        if engine == "duckdb":
                            t, prows = run_duckdb(rule, kind, path, threads)
                        else:
                            t, prows = polars_in_child(rule, kind, path, threads)
                        times.append(t)
                    how = check(f"{rule} {kind} {engine} t={threads}", drows, prows)
                    table.append((rule, kind, threads, engine, statistics.median(times), events,
                                  size, base, how))
    print_table(table, args.repeat, cores)


def count_events(folder, stream):
    manifest = os.path.join(folder, "manifest.json")
    with open(manifest) as f:
        m = json.load(f)
    for e in m.get("files", []):
        name = e.get("path") or e.get("name") or ""
        if name.startswith(stream):
            return int(e.get("records") or e.get("events") or 0)
    sys.exit(f"{manifest}: no entry for {stream}")


def print_table(table, repeat, cores):
    print(f"\nmedian of {repeat} runs; threads: 1 and all ({cores}); detsim speed-up = engine time /"
          " detsim time (above 1: detsim is faster)\n")
    head = ("rule", "input", "threads", "engine", "median s", "events/s", "MB/s", "detsim speed-up",
            "alert check")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for rule, kind, threads, engine, t, events, size, base, how in table:
        short = "file-transfer" if rule == FILE_TRANSFER else "web-server"
        print(f"| {short} | {kind} | {threads} | {engine} | {t:.3f} | {events / t:,.0f} | "
              f"{size / 1e6 / t:,.1f} | {t / base:.2f} | {how} |")


if __name__ == "__main__":
    main()
