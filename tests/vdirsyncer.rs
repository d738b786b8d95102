//! Customers to a phone and back through the tools people use: a real
//! `radicale` CardDAV server on loopback and a real `vdirsyncer` pairing
//! guanxi's vdir export with an address book on it. Export, sync up, edit
//! a phone number on the server (an HTTP PUT, as a phone's CardDAV client
//! does), sync down, import: the edit is in guanxi and nothing else changed.
//!
//! Skipped (with a note on stderr) when `radicale` or `vdirsyncer` is not
//! on PATH, unless `GUANXI_REQUIRE_VDIRSYNCER=1` is set, as CI does: then
//! it fails.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;
use serde_json::Value;

const COLLECTION: &str = "/guanxi/contacts/";

#[test]
fn a_number_edited_on_the_carddav_server_comes_back_and_nothing_else_changes() {
    let Some((radicale, vdirsyncer)) = tools_or_skip() else {
        return;
    };
    let started = Instant::now();
    let s = Sandbox::new();
    let root = s.dir.path().join("dav");
    let (storage, vdir, status) = (root.join("storage"), root.join("vdir"), root.join("status"));
    for d in [&storage, &vdir, &status] {
        std::fs::create_dir_all(d).unwrap();
    }
    let server = Radicale::start(&radicale, &root, &storage);
    // The user's folder, then the address book in it.
    server.request("MKCOL", "/guanxi/", None, "");
    server.request(
        "MKCOL",
        COLLECTION,
        Some(concat!(
            r#"<?xml version="1.0"?><mkcol xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">"#,
            "<set><prop><resourcetype><collection/><C:addressbook/></resourcetype></prop></set></mkcol>"
        )),
        "application/xml",
    );
    let config = root.join("vdirsyncer.conf");
    std::fs::write(
        &config,
        format!(
            concat!(
                "[general]\nstatus_path = \"{status}/\"\n\n",
                "[pair phone]\na = \"guanxi\"\nb = \"server\"\ncollections = null\n\n",
                "[storage guanxi]\ntype = \"filesystem\"\npath = \"{vdir}/\"\nfileext = \".vcf\"\n\n",
                "[storage server]\ntype = \"carddav\"\nurl = \"http://127.0.0.1:{port}{collection}\"\n"
            ),
            status = status.display(),
            vdir = vdir.display(),
            port = server.port,
            collection = COLLECTION
        ),
    )
    .unwrap();
    let sync = |what: &str| {
        for args in [&["discover"][..], &["sync"][..]] {
            let out = Command::new(&vdirsyncer)
                .arg("-c")
                .arg(&config)
                .args(args)
                .env("HOME", s.home())
                .stdin(Stdio::null())
                .output()
                .expect("run vdirsyncer");
            assert!(
                out.status.success(),
                "vdirsyncer {args:?} ({what}) failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    };

    let add = |args: &[&str]| s.ok(args).trim().to_string();
    let an = add(&[
        "add",
        "--name",
        "Nguyễn Văn An",
        "--company",
        "Phú Thịnh",
        "--phone",
        "+84 90 111 2222",
        "--email",
        "an@phuthinh.vn",
        "--tag",
        "vip",
        "--stage",
        "develop",
    ]);
    add(&[
        "add",
        "--name",
        "张伟",
        "--company",
        "深圳华信科技",
        "--phone",
        "+86 138 0013 8000",
    ]);
    add(&[
        "add",
        "--name",
        "Amelia White",
        "--title",
        "Office Manager",
        "--email",
        "amelia@example.com",
    ]);
    s.ok(&["export", "--format", "vdir", vdir.to_str().unwrap()]);
    sync("up");
    let on_server = server.cards();
    assert_eq!(on_server.len(), 3, "{on_server:?}");
    let before = everyone(&s);

    // The phone edits An's number: GET the card, PUT it back changed.
    let (href, card) = on_server
        .into_iter()
        .find(|(_, text)| text.contains(&format!("X-GUANXI-ID:{an}")))
        .expect("An's card on the server");
    assert!(card.contains("+84 90 111 2222"), "{card}");
    let path = format!("{COLLECTION}{href}");
    let fetched = server.request("GET", &path, None, "");
    let edited = fetched.replace("+84 90 111 2222", "+84 90 999 8888");
    assert_ne!(edited, fetched, "{fetched}");
    server.request("PUT", &path, Some(&edited), "text/vcard; charset=utf-8");

    sync("down");
    let local = std::fs::read_to_string(vdir.join(format!("{an}.vcf"))).unwrap();
    assert!(local.contains("+84 90 999 8888"), "the edit came down: {local}");
    let out = s.ok(&["import", vdir.to_str().unwrap()]);
    assert!(out.contains("1 merged"), "{out}");
    let after = everyone(&s);
    let mut expected = before;
    expected.get_mut(&an).unwrap()["phones"] = serde_json::json!(["+84 90 999 8888"]);
    assert_eq!(after, expected, "only An's number changed");

    // Exported and synced again, the server gets guanxi's card back, and
    // nothing more changes anywhere.
    s.ok(&["export", "--format", "vdir", vdir.to_str().unwrap()]);
    sync("again");
    assert!(server.cards().iter().any(|(_, t)| t.contains("+84 90 999 8888")));
    let out = s.ok(&["import", vdir.to_str().unwrap()]);
    assert!(out.contains("0 new · 0 merged"), "{out}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

/// Every customer as `show --json` gives it (without its last-changed
/// time), by id.
fn everyone(s: &Sandbox) -> BTreeMap<String, Value> {
    s.json(&["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let id = c["id"].as_str().unwrap().to_string();
            let mut shown = s.json(&["show", &id, "--json"]);
            shown.as_object_mut().unwrap().remove("updated_at");
            (id, shown)
        })
        .collect()
}

fn tools_or_skip() -> Option<(PathBuf, PathBuf)> {
    let find = |name: &str| {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    };
    match (find("radicale"), find("vdirsyncer")) {
        (Some(r), Some(v)) => Some((r, v)),
        _ => {
            if std::env::var("GUANXI_REQUIRE_VDIRSYNCER").as_deref() == Ok("1") {
                panic!(
                    "GUANXI_REQUIRE_VDIRSYNCER=1 but `radicale` or `vdirsyncer` is not on PATH; install them (apt-get install radicale vdirsyncer)"
                );
            }
            eprintln!(
                "skipping the vdirsyncer test: `radicale` or `vdirsyncer` is not on PATH (set GUANXI_REQUIRE_VDIRSYNCER=1 to fail)"
            );
            None
        }
    }
}

/// A radicale server on a free loopback port, without authentication,
/// storing in a temporary folder; killed when dropped.
struct Radicale {
    child: Child,
    port: u16,
    storage: PathBuf,
}

impl Radicale {
    fn start(radicale: &Path, root: &Path, storage: &Path) -> Radicale {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let config = root.join("radicale.conf");
        std::fs::write(
            &config,
            format!(
                "[server]\nhosts = 127.0.0.1:{port}\n[auth]\ntype = none\n[rights]\ntype = authenticated\n[storage]\nfilesystem_folder = {}\n[logging]\nlevel = warning\n",
                storage.display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(root.join("radicale.log")).unwrap();
        let child = Command::new(radicale)
            .arg("--config")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start radicale");
        let server = Radicale {
            child,
            port,
            storage: storage.to_path_buf(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "radicale did not listen on {port}: {}",
                std::fs::read_to_string(root.join("radicale.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// One HTTP/1.1 request; insists on a 2xx answer and returns its body.
    fn request(&self, method: &str, path: &str, body: Option<&str>, content_type: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let body = body.unwrap_or("");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        if !content_type.is_empty() {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let answer = String::from_utf8_lossy(&answer).to_string();
        let status = answer.split_whitespace().nth(1).unwrap_or("").to_string();
        assert!(status.starts_with('2'), "{method} {path}: {answer}");
        let (headers, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        if headers.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            return unchunk(body);
        }
        body.to_string()
    }

    /// The address book's cards as radicale stores them: (href, text).
    fn cards(&self) -> Vec<(String, String)> {
        let dir = self
            .storage
            .join(format!("collection-root{}", COLLECTION.trim_end_matches('/')));
        let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "vcf"))
            .map(|p| {
                (
                    p.file_name().unwrap().to_str().unwrap().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }
}

impl Drop for Radicale {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}
