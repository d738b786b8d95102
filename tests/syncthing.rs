//! Sharing a workspace through real Syncthing: two Syncthing instances on
//! loopback, one shared folder each (same folder id), and two guanxi
//! replicas, one on each folder. Edits travel both ways, also when both
//! sides edit while one side's folder is paused.
//!
//! The same run is made a second time on an encrypted workspace
//! (`init --encrypt`): the key files travel like the journals, Wei unlocks
//! with the passphrase, and no customer's name is in either folder.
//!
//! Skipped (with a note on stderr) when `syncthing` is not on PATH, unless
//! `GUANXI_REQUIRE_SYNCTHING=1` is set, as CI does: then it fails.

mod common;

use std::cell::RefCell;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;
use serde_json::Value;
use tempfile::TempDir;

/// The folder id both instances share.
const FOLDER: &str = "guanxi-team";
const API_KEY: &str = "guanxi-test-key-0123456789";
/// How long any one thing may take to arrive.
const WAIT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(200);

/// The passphrase of the encrypted run, given to every command when this
/// thread's test (each test runs on its own thread) is the encrypted one.
const PASSPHRASE: &str = "mật khẩu của đội 团队口令";
thread_local! {
    static ENCRYPTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[test]
fn edits_travel_both_ways_through_two_syncthing_instances() {
    edits_travel_both_ways(false);
}

#[test]
fn edits_travel_both_ways_in_an_encrypted_workspace() {
    edits_travel_both_ways(true);
}

fn edits_travel_both_ways(encrypted: bool) {
    let Some(syncthing) = syncthing_or_skip() else {
        return;
    };
    ENCRYPTED.with(|e| e.set(encrypted));
    let test_started = Instant::now();
    let lan = Sandbox::for_user("Lan");
    let wei = Sandbox::for_user("Wei");
    let (folder_a, folder_b) = (lan.workspace(), wei.workspace());
    // Declared after the sandboxes, so dropped (processes killed) first.
    let st = Cluster::start(&syncthing, &folder_a, &folder_b);

    // Lan makes folder A a workspace; it arrives in folder B.
    let mut init = vec!["init", folder_a.to_str().unwrap(), "--name", "Đội bán hàng"];
    if encrypted {
        init.push("--encrypt");
    }
    let out = guanxi(&lan, &folder_a, &init);
    assert!(out.contains("share this folder"), "{out}");
    let meta = fs::read(folder_a.join("guanxi-workspace.toml")).unwrap();
    st.wait_for("guanxi-workspace.toml to arrive in folder B", || {
        match fs::read(folder_b.join("guanxi-workspace.toml")) {
            Ok(bytes) if bytes == meta => Ok(()),
            Ok(bytes) => Err(format!("different content: {}", String::from_utf8_lossy(&bytes))),
            Err(e) => Err(format!("{e}; folder B holds {:?}", listing(&folder_b))),
        }
    });
    if encrypted {
        // Wei can unlock only once the key files are there too.
        let keys = listing(&folder_a.join("keys"));
        st.wait_for("the key files to arrive in folder B", || {
            let there = listing(&folder_b.join("keys"));
            if there == keys {
                Ok(())
            } else {
                Err(format!("{there:?}"))
            }
        });
    }

    // Lan's new customer reaches Wei.
    let nhung = guanxi(&lan, &folder_a, &["add", "--name", "Nguyễn Thị Hồng Nhung"])
        .trim()
        .to_string();
    let started = Instant::now();
    st.wait_for("Lan's customer in Wei's list", || {
        let list = guanxi(&wei, &folder_b, &["list", "--json"]);
        if ids(&list).contains(&nhung) { Ok(()) } else { Err(list) }
    });
    let latency = started.elapsed();

    // Wei's interaction and stage move reach Lan.
    guanxi(
        &wei,
        &folder_b,
        &["log", &nhung, "--summary", "电话回访", "--channel", "call"],
    );
    guanxi(&wei, &folder_b, &["stage", &nhung, "next"]);
    let on_wei: Value = json(&guanxi(&wei, &folder_b, &["show", &nhung, "--json"]));
    let stage = on_wei["stage"].as_str().unwrap().to_string();
    assert_ne!(stage, "attract", "the stage moved on Wei's side");
    st.wait_for("Wei's interaction and stage move in Lan's view", || {
        let shown = guanxi(&lan, &folder_a, &["show", &nhung, "--json"]);
        let v = json(&shown);
        let logged = v["interactions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["summary"] == "电话回访" && i["channel"] == "call" && i["author"] == "Wei");
        let moved =
            v["stage"] == stage.as_str() && v["stage_history"].as_array().unwrap().iter().any(|h| h["by"] == "Wei");
        if logged && moved { Ok(()) } else { Err(shown) }
    });

    // Both sides edit while Wei's side has the folder paused.
    st.set_paused(st.b(), true);
    guanxi(&lan, &folder_a, &["edit", &nhung, "--set", "company=Công ty Minh Phát"]);
    let zhang = guanxi(&lan, &folder_a, &["add", "--name", "张伟"]).trim().to_string();
    guanxi(&wei, &folder_b, &["edit", &nhung, "--set", "title=Giám đốc"]);
    let john = guanxi(&wei, &folder_b, &["add", "--name", "John Smith"])
        .trim()
        .to_string();
    // Sanity check that the pause holds: for twice as long as a change took
    // to arrive before (3 to 10 s), neither side sees the other's customer.
    let window = (latency * 2).clamp(Duration::from_secs(3), Duration::from_secs(10));
    let until = Instant::now() + window;
    while Instant::now() < until {
        let on_lan = guanxi(&lan, &folder_a, &["list", "--json"]);
        let on_wei = guanxi(&wei, &folder_b, &["list", "--json"]);
        if ids(&on_lan).contains(&john) || ids(&on_wei).contains(&zhang) {
            st.fail(&format!(
                "a change crossed while folder {FOLDER} was paused on B\nLan sees: {on_lan}\nWei sees: {on_wei}"
            ));
        }
        std::thread::sleep(POLL);
    }

    // Resumed, both converge to the same view.
    st.set_paused(st.b(), false);
    let list = st.wait_for("both replicas' lists to be identical, with all three customers", || {
        let on_lan = guanxi(&lan, &folder_a, &["list", "--json"]);
        let on_wei = guanxi(&wei, &folder_b, &["list", "--json"]);
        let mut all = ids(&on_lan);
        all.sort();
        let mut expected = vec![nhung.clone(), zhang.clone(), john.clone()];
        expected.sort();
        if on_lan == on_wei && all == expected {
            Ok(on_lan)
        } else {
            Err(format!("Lan: {on_lan}\nWei: {on_wei}"))
        }
    });
    let names = common::sorted_names(&json(&list));
    assert_eq!(names, ["John Smith", "Nguyễn Thị Hồng Nhung", "张伟"], "{list}");
    let on_lan = json(&guanxi(&lan, &folder_a, &["show", &nhung, "--json"]));
    let on_wei = json(&guanxi(&wei, &folder_b, &["show", &nhung, "--json"]));
    for shown in [&on_lan, &on_wei] {
        assert_eq!(shown["company"], "Công ty Minh Phát", "{shown:#}");
        assert_eq!(shown["title"], "Giám đốc", "{shown:#}");
        assert_eq!(shown["stage"], stage.as_str(), "{shown:#}");
        assert_eq!(shown["interactions"].as_array().unwrap().len(), 1, "{shown:#}");
    }
    assert_eq!(on_lan, on_wei, "the two replicas show the customer differently");

    for (who, sandbox, folder) in [("Lan", &lan, &folder_a), ("Wei", &wei, &folder_b)] {
        let report = guanxi(sandbox, folder, &["doctor"]);
        eprintln!("syncthing test: doctor for {who}: {}", report.trim());
    }
    // Each replica writes only its own files: Syncthing never had a conflict.
    for folder in [&folder_a, &folder_b] {
        let conflicts: Vec<String> = listing(folder)
            .into_iter()
            .filter(|name| name.contains(".sync-conflict-"))
            .collect();
        assert!(
            conflicts.is_empty(),
            "conflict copies in {}: {conflicts:?}",
            folder.display()
        );
    }
    if encrypted {
        for folder in [&folder_a, &folder_b] {
            for name in listing(folder) {
                let bytes = fs::read(folder.join(&name)).unwrap_or_default();
                for text in ["Nguyễn Thị Hồng Nhung", "张伟", "John Smith", "Giám đốc", "电话回访"] {
                    assert!(
                        !bytes.windows(text.len()).any(|w| w == text.as_bytes()),
                        "{name} in {} holds '{text}' in plain text",
                        folder.display()
                    );
                }
            }
        }
    }
    eprintln!("syncthing test: done in {:.1?}", test_started.elapsed());
}

/// The `syncthing` binary on PATH; `None` (after saying so) when there is
/// none and it is not required.
fn syncthing_or_skip() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("syncthing"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var("GUANXI_REQUIRE_SYNCTHING").as_deref() == Ok("1") {
            panic!("GUANXI_REQUIRE_SYNCTHING=1 but `syncthing` is not on PATH; install it (apt-get install syncthing)");
        }
        eprintln!("skipping the Syncthing test: `syncthing` is not on PATH (set GUANXI_REQUIRE_SYNCTHING=1 to fail)");
    }
    found
}

/// Runs guanxi as `sandbox`'s user on `workspace`, insisting on success;
/// returns stdout.
fn guanxi(sandbox: &Sandbox, workspace: &Path, args: &[&str]) -> String {
    let mut cmd = sandbox.command_in(workspace, args);
    if ENCRYPTED.with(|e| e.get()) {
        cmd.env("GUANXI_PASSPHRASE", PASSPHRASE);
    }
    let out = cmd.output().expect("run guanxi");
    assert!(
        out.status.success(),
        "guanxi {args:?} as {} failed ({:?}):\n{}{}",
        sandbox.user,
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("bad JSON ({e}):\n{text}"))
}

/// The customer ids in `list --json` output.
fn ids(list: &str) -> Vec<String> {
    json(list)
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// Every path under `dir`, relative to it.
fn listing(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            out.push(path.strip_prefix(root).unwrap().display().to_string());
            if path.is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Two Syncthing instances sharing one folder; killed when dropped.
struct Cluster {
    /// A, then B (once started).
    instances: Vec<Instance>,
    /// Homes and logs; declared last, so removed after the processes end.
    _dir: TempDir,
}

/// One running Syncthing.
struct Instance {
    name: &'static str,
    id: String,
    api_port: u16,
    log: PathBuf,
    child: RefCell<Child>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let child = self.child.get_mut();
        if !matches!(child.try_wait(), Ok(None)) {
            return; // already ended (and reaped): its id may be someone else's by now
        }
        // It runs in its own process group: take anything it started too.
        let group = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !matches!(group, Ok(s) if s.success()) {
            let _ = child.kill();
        }
        let _ = child.wait();
    }
}

impl Cluster {
    /// Starts instance A on `folder_a` and B on `folder_b`, each knowing the
    /// other, and waits until they are connected.
    fn start(syncthing: &Path, folder_a: &Path, folder_b: &Path) -> Cluster {
        let dir = tempfile::tempdir().expect("temp dir");
        let (home_a, home_b) = (dir.path().join("syncthing-a"), dir.path().join("syncthing-b"));
        let (id_a, version) = generate(syncthing, dir.path(), &home_a);
        let (id_b, _) = generate(syncthing, dir.path(), &home_b);
        let [listen_a, listen_b, api_a, api_b] = free_ports();
        let devices = [(&id_a, listen_a), (&id_b, listen_b)];
        let setups = [
            ("A", &id_a, &home_a, folder_a, listen_a, api_a),
            ("B", &id_b, &home_b, folder_b, listen_b, api_b),
        ];
        let base = dir.path().to_path_buf();
        let mut cluster = Cluster {
            instances: Vec::new(),
            _dir: dir,
        };
        let started = Instant::now();
        for (name, id, home, folder, listen, api) in setups {
            let xml = config(&version, id, &devices, folder, listen, api);
            fs::write(home.join("config.xml"), xml).unwrap();
            // The folder marker Syncthing insists on; hidden, so guanxi
            // still takes the folder for an empty one.
            fs::create_dir_all(folder.join(".stfolder")).unwrap();
            let instance = Instance::spawn(syncthing, name, id.clone(), home, api, &base);
            cluster.instances.push(instance);
            // Each dials the other as soon as it starts, and waits a while
            // after a failed dial: B starts once A is surely listening, so
            // B's first dial connects.
            let me = cluster.instances.last().unwrap();
            cluster.wait_for(&format!("syncthing {name} to listen on 127.0.0.1:{listen}"), || {
                let status = me.get("/rest/system/status")?;
                let listener = &status["connectionServiceStatus"][format!("tcp://127.0.0.1:{listen}")];
                if status["myID"] != id.as_str() {
                    Err(format!("a different device answers: {status}"))
                } else if listener["error"].is_null()
                    && listener["lanAddresses"].as_array().is_some_and(|a| !a.is_empty())
                {
                    Ok(())
                } else {
                    Err(status["connectionServiceStatus"].to_string())
                }
            });
        }
        for (me, other) in [(cluster.a(), cluster.b()), (cluster.b(), cluster.a())] {
            cluster.wait_for(
                &format!("syncthing {} to be connected to {}", me.name, other.name),
                || {
                    let v = me.get("/rest/system/connections")?;
                    if v["connections"][&other.id]["connected"] == true {
                        Ok(())
                    } else {
                        let dials = me.get("/rest/system/status")?["lastDialStatus"].to_string();
                        Err(format!("connections: {}\nlast dials: {dials}", v["connections"]))
                    }
                },
            );
        }
        eprintln!(
            "syncthing test: both instances up and connected in {:.1?}",
            started.elapsed()
        );
        cluster
    }

    fn a(&self) -> &Instance {
        &self.instances[0]
    }

    fn b(&self) -> &Instance {
        &self.instances[1]
    }

    /// Pauses or resumes the shared folder on `instance`, and checks that
    /// it took effect.
    fn set_paused(&self, instance: &Instance, paused: bool) {
        let path = format!("/rest/config/folders/{FOLDER}");
        if let Err(e) = instance.request("PATCH", &path, &format!("{{\"paused\": {paused}}}")) {
            self.fail(&format!("could not set paused={paused} on {}: {e}", instance.name));
        }
        self.wait_for(
            &format!("folder {FOLDER} on {} to be paused={paused}", instance.name),
            || {
                let config = instance.get(&path)?;
                let status = instance.get(&format!("/rest/db/status?folder={FOLDER}"))?;
                // A paused folder has no runtime state ("" in 1.19).
                let state = status["state"].as_str().unwrap_or_default().to_string();
                let stopped = state.is_empty() || state == "paused";
                if config["paused"] == paused && stopped == paused {
                    Ok(())
                } else {
                    Err(format!("config paused={}, folder state {state:?}", config["paused"]))
                }
            },
        );
    }

    /// Polls `probe` until it gives a value; on timeout fails with what was
    /// awaited, what the probe last saw, and the instances' logs.
    fn wait_for<T>(&self, what: &str, mut probe: impl FnMut() -> Result<T, String>) -> T {
        let started = Instant::now();
        let deadline = started + WAIT;
        loop {
            let last = match probe() {
                Ok(value) => {
                    eprintln!("syncthing test: {what}: {:.1?}", started.elapsed());
                    return value;
                }
                Err(last) => last,
            };
            for instance in &self.instances {
                if let Ok(Some(status)) = instance.child.borrow_mut().try_wait() {
                    self.fail(&format!(
                        "syncthing {} exited ({status}) while waiting for {what}; last seen:\n{last}",
                        instance.name
                    ));
                }
            }
            if Instant::now() >= deadline {
                self.fail(&format!(
                    "timed out after {WAIT:?} waiting for {what}; last seen:\n{last}"
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    fn fail(&self, message: &str) -> ! {
        let logs: String = self.instances.iter().map(Instance::log_tail).collect();
        panic!("{message}\n{logs}");
    }
}

impl Instance {
    fn spawn(syncthing: &Path, name: &'static str, id: String, home: &Path, api_port: u16, dir: &Path) -> Instance {
        use std::os::unix::process::CommandExt;
        let log = dir.join(format!("syncthing-{name}.log"));
        let out = File::create(&log).unwrap();
        let child = Command::new(syncthing)
            .arg("serve")
            .arg(format!("--home={}", home.display()))
            .args(["--no-browser", "--no-restart", "--no-upgrade"])
            .env_clear()
            .env("HOME", dir)
            // Without this, 1.19 runs a monitor process that forks the real
            // one (even with --no-restart), and killing the monitor would
            // leave the real one running.
            .env("STMONITORED", "1")
            .env("STNOUPGRADE", "1")
            .env("STNODEFAULTFOLDER", "1")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", syncthing.display()));
        Instance {
            name,
            id,
            api_port,
            log,
            child: RefCell::new(child),
        }
    }

    fn get(&self, path: &str) -> Result<Value, String> {
        let body = self.request("GET", path, "")?;
        serde_json::from_str(&body).map_err(|e| format!("GET {path}: bad JSON ({e}): {body}"))
    }

    /// One REST call; the body of a 2xx answer.
    fn request(&self, method: &str, path: &str, body: &str) -> Result<String, String> {
        let (status, answer) =
            http(self.api_port, method, path, body).map_err(|e| format!("{method} {path} on {}: {e}", self.name))?;
        if (200..300).contains(&status) {
            Ok(answer)
        } else {
            Err(format!("{method} {path} on {}: HTTP {status}: {answer}", self.name))
        }
    }

    fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_else(|e| format!("(no log: {e})"));
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!(
            "--- syncthing {} ({}), last lines of its log ---\n{tail}\n",
            self.name,
            self.log.display()
        )
    }
}

/// Makes a key pair and a config in `home`; returns the device id and the
/// config version this Syncthing writes.
fn generate(syncthing: &Path, dir: &Path, home: &Path) -> (String, String) {
    let out = Command::new(syncthing)
        .arg("generate")
        .arg(format!("--home={}", home.display()))
        .args(["--no-default-folder", "--skip-port-probing"])
        .env_clear()
        .env("HOME", dir)
        .stdin(Stdio::null())
        .output()
        .expect("run syncthing generate");
    let generated = fs::read_to_string(home.join("config.xml")).unwrap_or_default();
    assert!(
        out.status.success() && !generated.is_empty(),
        "syncthing generate --home={} failed ({}):\n{}{}",
        home.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let attribute = |prefix: &str| {
        generated
            .split(prefix)
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .find(|value| !value.is_empty())
            .unwrap_or_else(|| panic!("no {prefix}\"...\" in the generated config:\n{generated}"))
            .to_string()
    };
    (attribute("<device id=\""), attribute("<configuration version=\""))
}

/// A complete config for one instance: only loopback, nothing that talks to
/// the internet, the other device at a fixed address, one shared folder
/// watched with a short delay and rescanned often. Syncthing fills in
/// defaults for everything not given.
fn config(version: &str, me: &str, devices: &[(&String, u16)], folder: &Path, listen: u16, api: u16) -> String {
    let mut xml = format!("<configuration version=\"{version}\">\n");
    xml.push_str(&format!(
        "    <folder id=\"{FOLDER}\" label=\"guanxi\" path=\"{}\" type=\"sendreceive\" rescanIntervalS=\"2\" \
         fsWatcherEnabled=\"true\" fsWatcherDelayS=\"1\">\n",
        xml_escape(&folder.display().to_string())
    ));
    for (id, _) in devices {
        xml.push_str(&format!("        <device id=\"{id}\"></device>\n"));
    }
    xml.push_str("    </folder>\n");
    for (id, port) in devices {
        let address = if id.as_str() == me {
            "dynamic".to_string()
        } else {
            format!("tcp://127.0.0.1:{port}")
        };
        xml.push_str(&format!(
            "    <device id=\"{id}\" name=\"{}\" compression=\"metadata\" introducer=\"false\">\n\
             \x20       <address>{address}</address>\n\
             \x20       <autoAcceptFolders>false</autoAcceptFolders>\n\
             \x20   </device>\n",
            &id[..7]
        ));
    }
    xml.push_str(&format!(
        "    <gui enabled=\"true\" tls=\"false\">\n\
         \x20       <address>127.0.0.1:{api}</address>\n\
         \x20       <apikey>{API_KEY}</apikey>\n\
         \x20   </gui>\n\
         \x20   <options>\n\
         \x20       <listenAddress>tcp://127.0.0.1:{listen}</listenAddress>\n\
         \x20       <globalAnnounceEnabled>false</globalAnnounceEnabled>\n\
         \x20       <localAnnounceEnabled>false</localAnnounceEnabled>\n\
         \x20       <relaysEnabled>false</relaysEnabled>\n\
         \x20       <natEnabled>false</natEnabled>\n\
         \x20       <startBrowser>false</startBrowser>\n\
         \x20       <urAccepted>-1</urAccepted>\n\
         \x20       <autoUpgradeIntervalH>0</autoUpgradeIntervalH>\n\
         \x20       <crashReportingEnabled>false</crashReportingEnabled>\n\
         \x20       <reconnectionIntervalS>1</reconnectionIntervalS>\n\
         \x20   </options>\n\
         </configuration>\n"
    ));
    xml
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Distinct ports free on loopback right now.
fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<TcpListener> = (0..N).map(|_| TcpListener::bind("127.0.0.1:0").unwrap()).collect();
    std::array::from_fn(|i| listeners[i].local_addr().unwrap().port())
}

/// A minimal HTTP/1.1 exchange with Syncthing's REST API: the status code
/// and the (de-chunked) body.
fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-API-Key: {API_KEY}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let bad = |why: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{why}: {raw:?}"));
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let mut content = raw[split + 4..].to_vec();
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    if chunked {
        content = dechunk(&content).ok_or_else(|| bad("bad chunked body"))?;
    }
    Ok((status, String::from_utf8_lossy(&content).to_string()))
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

#[test]
fn chunked_answers_are_joined() {
    assert_eq!(
        dechunk(b"4\r\n{\"a\"\r\n3;x=y\r\n: 1\r\n1\r\n}\r\n0\r\n\r\n").unwrap(),
        b"{\"a\": 1}"
    );
    assert_eq!(dechunk(b"5\r\nab"), None, "a cut-off chunk");
}
