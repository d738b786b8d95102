//! An encrypted shared workspace, through the real binary: made with
//! `init --encrypt`, joined by a teammate, read by two replicas that
//! converge, never holding a customer's text in plain bytes; refused
//! (with nothing changed) without the key, with a wrong passphrase or a
//! damaged key file; and rotated when a teammate's key is removed.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::Sandbox;
use serde_json::Value;

const LAN_PASS: &str = "Lan's passphrase: chè đậu xanh";
const WEI_PASS: &str = "伟的口令 long enough";
const MINH_PASS: &str = "Minh mật khẩu 2026";

/// Runs guanxi as `s`'s user on `ws` with `env` set.
fn run(s: &Sandbox, ws: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = s.command_in(ws, args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run guanxi")
}

fn ok(s: &Sandbox, ws: &Path, env: &[(&str, &str)], args: &[&str]) -> String {
    let out = run(s, ws, env, args);
    assert!(
        out.status.success(),
        "guanxi {args:?} as {} failed ({:?}):\n{}{}",
        s.user,
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs expecting a refusal: exit 1 or 2, one `error:` line and nothing
/// else on stderr, nothing on stdout. Returns the line.
fn refused(s: &Sandbox, ws: &Path, env: &[(&str, &str)], args: &[&str]) -> String {
    let out = run(s, ws, env, args);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "guanxi {args:?} should be refused: {:?} {stderr}",
        out.status.code()
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout when refused");
    stderr
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.insert(path.strip_prefix(root).unwrap().join(""), Vec::new());
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn ids(list: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(list).unwrap();
    let mut out: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

/// Lan makes `shared` an encrypted workspace (her passphrase) and adds a
/// key for Wei.
fn encrypted_team(lan: &Sandbox, shared: &Path) {
    let lan_env = [("GUANXI_PASSPHRASE", LAN_PASS)];
    let out = run(lan, shared, &lan_env, &["init", shared.to_str().unwrap(), "--encrypt"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("its data is gone"), "warned before encrypting: {said}");
    let pass_file = lan.dir.path().join("wei-pass");
    fs::write(&pass_file, format!("{WEI_PASS}\n")).unwrap();
    ok(
        lan,
        shared,
        &[],
        &[
            "team",
            "add-key",
            "--label",
            "Wei",
            "--new-passphrase-file",
            pass_file.to_str().unwrap(),
        ],
    );
}

#[test]
fn two_replicas_with_the_key_converge_and_the_folder_holds_no_plain_text() {
    let lan = Sandbox::for_user("Lan");
    let wei = Sandbox::for_user("Wei");
    let shared = lan.dir.path().join("shared");
    encrypted_team(&lan, &shared);
    let keys = ok(&lan, &shared, &[], &["team", "keys"]);
    assert!(keys.contains("Lan") && keys.contains("Wei"), "{keys}");
    assert!(
        !keys.contains("age1") && !keys.contains("AGE-SECRET"),
        "no secrets listed: {keys}"
    );

    // Lan's customers, with text in three languages everywhere it can go.
    let hoa = ok(
        &lan,
        &shared,
        &[],
        &[
            "add",
            "--name",
            "Nguyễn Thị Hoa Sen",
            "--email",
            "hoasen.nguyen@example.vn",
            "--phone",
            "+84 912 345 678",
            "--company",
            "Công ty Trà Thái Nguyên",
            "--notes",
            "Thích trà ô long, hỏi về giá sỉ",
        ],
    )
    .trim()
    .to_string();
    ok(
        &lan,
        &shared,
        &[],
        &[
            "log",
            &hoa,
            "--summary",
            "Gặp mặt tại hội chợ Đà Nẵng",
            "--channel",
            "meeting",
        ],
    );
    ok(
        &lan,
        &shared,
        &[],
        &[
            "follow-up",
            &hoa,
            "--due",
            "2026-12-24",
            "--what",
            "Gửi báo giá trà Shan Tuyết",
        ],
    );
    ok(
        &lan,
        &shared,
        &[],
        &[
            "deal",
            "add",
            &hoa,
            "--title",
            "Hợp đồng phân phối Tây Bắc",
            "--amount",
            "250000000",
        ],
    );

    // Wei joins with his own passphrase, then adds and logs.
    let joined = ok(
        &wei,
        &shared,
        &[("GUANXI_PASSPHRASE", WEI_PASS)],
        &["join", shared.to_str().unwrap()],
    );
    assert!(joined.contains("unlocked"), "{joined}");
    let zhang = ok(
        &wei,
        &shared,
        &[],
        &[
            "add",
            "--name",
            "张伟明",
            "--email",
            "weiming.zhang@example.cn",
            "--phone",
            "+86 138 0013 8000",
        ],
    )
    .trim()
    .to_string();
    ok(
        &wei,
        &shared,
        &[],
        &[
            "log",
            &zhang,
            "--summary",
            "电话讨论乌龙茶批发价格",
            "--channel",
            "call",
        ],
    );
    ok(&wei, &shared, &[], &["edit", &hoa, "--set", "title=Giám đốc thu mua"]);
    ok(&wei, &shared, &[], &["snapshot"]);
    ok(&lan, &shared, &[], &["sync"]);
    ok(&lan, &shared, &[], &["snapshot"]);

    let on_lan = ok(&lan, &shared, &[], &["list", "--json"]);
    let on_wei = ok(&wei, &shared, &[], &["list", "--json"]);
    assert_eq!(ids(&on_lan), {
        let mut v = vec![hoa.clone(), zhang.clone()];
        v.sort();
        v
    });
    assert_eq!(on_lan, on_wei, "the two replicas converge");
    let shown_lan = ok(&lan, &shared, &[], &["show", &hoa, "--json"]);
    let shown_wei = ok(&wei, &shared, &[], &["show", &hoa, "--json"]);
    assert_eq!(shown_lan, shown_wei);
    assert!(shown_lan.contains("Giám đốc thu mua"), "{shown_lan}");
    assert!(shown_lan.contains("hội chợ Đà Nẵng"), "{shown_lan}");

    // Not one customer's text, in any file of the workspace.
    let files = tree(&shared);
    assert!(
        files.keys().any(|p| p.to_string_lossy().ends_with(".snapshot")),
        "{:?}",
        files.keys()
    );
    assert!(files.keys().any(|p| p.to_string_lossy().ends_with(".journal")));
    for secret in [
        "Nguyễn Thị Hoa Sen",
        "Hoa Sen",
        "hoasen.nguyen",
        "example.vn",
        "912 345 678",
        "912345678",
        "Trà Thái Nguyên",
        "trà ô long",
        "hội chợ Đà Nẵng",
        "Shan Tuyết",
        "phân phối Tây Bắc",
        "250000000",
        "张伟明",
        "weiming.zhang",
        "138 0013 8000",
        "乌龙茶",
        "Giám đốc thu mua",
        "Lan's passphrase",
        WEI_PASS,
    ] {
        for (path, bytes) in &files {
            assert!(
                !contains(bytes, secret.as_bytes()),
                "{} holds '{secret}' in plain text",
                path.display()
            );
        }
    }
}

#[test]
fn without_the_key_nothing_opens_and_nothing_changes() {
    let lan = Sandbox::for_user("Lan");
    let shared = lan.dir.path().join("shared");
    encrypted_team(&lan, &shared);
    ok(&lan, &shared, &[], &["add", "--name", "Trần Văn Bảo"]);
    let before = tree(&shared);

    // A third replica, no key given, not a terminal: locked.
    let minh = Sandbox::for_user("Minh");
    for args in [
        &["list"][..],
        &["add", "--name", "Kẻ lạ"],
        &["sync"],
        &["join", shared.to_str().unwrap()],
    ] {
        let line = refused(&minh, &shared, &[], args);
        assert!(
            line.contains("encrypted") && line.contains("GUANXI_PASSPHRASE"),
            "{line}"
        );
        let code = run(&minh, &shared, &[], args).status.code();
        assert_eq!(code, Some(2), "locked is exit 2 (documented)");
    }
    // A wrong passphrase, from the environment or a file.
    let line = refused(&minh, &shared, &[("GUANXI_PASSPHRASE", "đoán bừa")], &["list"]);
    assert!(line.contains("wrong passphrase"), "{line}");
    let wrong = minh.dir.path().join("wrong");
    fs::write(&wrong, "not it\n").unwrap();
    refused(
        &minh,
        &shared,
        &[],
        &["--passphrase-file", wrong.to_str().unwrap(), "list"],
    );
    // An age identity that is not the team's.
    let (secret, _) = guanxi::encryption::recipient::new_identity();
    let identity = minh.dir.path().join("identity.txt");
    fs::write(&identity, secret.as_str()).unwrap();
    let line = refused(&minh, &shared, &[], &["--identity", identity.to_str().unwrap(), "list"]);
    assert!(line.contains("age identity"), "{line}");
    assert_eq!(tree(&shared), before, "the workspace is byte for byte unchanged");
    let made = tree(&minh.state_root());
    assert!(
        !made.keys().any(|p| p.components().any(|c| c.as_os_str() == "view")),
        "no view was made: {:?}",
        made.keys()
    );

    // A damaged key file: one line, nothing changed.
    let key_dir = shared.join("keys");
    let key = fs::read_dir(&key_dir).unwrap().flatten().next().unwrap().path();
    let good = fs::read(&key).unwrap();
    fs::write(&key, b"label = \"Lan\"\nkind = \"passphrase\"\ngeneration = [\n").unwrap();
    let before = tree(&shared);
    let line = refused(&minh, &shared, &[("GUANXI_PASSPHRASE", LAN_PASS)], &["list"]);
    assert!(line.contains("damaged key file"), "{line}");
    assert_eq!(tree(&shared), before);
    fs::write(&key, good).unwrap();

    // The right passphrase opens it.
    let list = ok(&minh, &shared, &[("GUANXI_PASSPHRASE", WEI_PASS)], &["list"]);
    assert!(list.contains("Trần Văn Bảo"), "{list}");
}

#[test]
fn an_age_recipient_unlocks_with_its_identity() {
    let lan = Sandbox::for_user("Lan");
    let shared = lan.dir.path().join("shared");
    let (secret, recipient) = guanxi::encryption::recipient::new_identity();
    let identity = lan.dir.path().join("identity.txt");
    fs::write(&identity, format!("# an age identity\n{}\n", secret.as_str())).unwrap();
    // Only an age recipient: no passphrase needed.
    ok(
        &lan,
        &shared,
        &[],
        &[
            "init",
            shared.to_str().unwrap(),
            "--encrypt",
            "--recipient",
            &recipient.to_string(),
        ],
    );
    ok(&lan, &shared, &[], &["add", "--name", "Lê Thu Trang"]);
    let wei = Sandbox::for_user("Wei");
    refused(&wei, &shared, &[], &["list"]);
    let list = ok(
        &wei,
        &shared,
        &[("GUANXI_IDENTITY", identity.to_str().unwrap())],
        &["list"],
    );
    assert!(list.contains("Lê Thu Trang"), "{list}");
    // A recipient that is not one is refused before anything is made.
    let other = lan.dir.path().join("other");
    let line = refused(
        &lan,
        &other,
        &[],
        &["init", other.to_str().unwrap(), "--encrypt", "--recipient", "age1nope"],
    );
    assert!(line.contains("age1nope"), "{line}");
    assert!(!other.exists());
    // No passphrase and nobody to ask: refused, nothing made.
    let line = refused(&lan, &other, &[], &["init", other.to_str().unwrap(), "--encrypt"]);
    assert!(line.contains("passphrase"), "{line}");
    assert!(!other.join("guanxi-workspace.toml").exists());
}

#[test]
fn removing_a_key_rotates_the_team_key() {
    let lan = Sandbox::for_user("Lan");
    let wei = Sandbox::for_user("Wei");
    let minh = Sandbox::for_user("Minh");
    let shared = lan.dir.path().join("shared");
    encrypted_team(&lan, &shared);
    let minh_pass = lan.dir.path().join("minh-pass");
    fs::write(&minh_pass, MINH_PASS).unwrap();
    ok(
        &lan,
        &shared,
        &[],
        &[
            "team",
            "add-key",
            "--label",
            "Minh",
            "--new-passphrase-file",
            minh_pass.to_str().unwrap(),
        ],
    );
    let old = ok(&lan, &shared, &[], &["add", "--name", "Phạm Quốc Khánh"])
        .trim()
        .to_string();
    ok(
        &wei,
        &shared,
        &[("GUANXI_PASSPHRASE", WEI_PASS)],
        &["join", shared.to_str().unwrap()],
    );
    ok(
        &minh,
        &shared,
        &[("GUANXI_PASSPHRASE", MINH_PASS)],
        &["join", shared.to_str().unwrap()],
    );

    let removed = ok(&lan, &shared, &[], &["team", "remove-key", "Minh"]);
    assert!(removed.contains("generation 2"), "{removed}");
    assert!(
        removed.contains("sealed 1 journal segment of this replica again"),
        "{removed}"
    );
    let keys = ok(&lan, &shared, &[], &["team", "keys"]);
    assert!(!keys.contains("Minh") && keys.contains("generation 2"), "{keys}");
    let new = ok(&lan, &shared, &[], &["add", "--name", "欧阳娜娜"])
        .trim()
        .to_string();

    // Minh's passphrase no longer opens anything, and his cached key
    // (generation 1) does not open the new frames.
    let line = refused(&minh, &shared, &[("GUANXI_PASSPHRASE", MINH_PASS)], &["list"]);
    assert!(line.contains("wrong passphrase"), "{line}");
    refused(&minh, &shared, &[], &["list"]);
    // Even read straight through the library with the old key: locked.
    let minh_state = fs::read_dir(minh.state_root())
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let stale = guanxi::encryption::unlock::cached(&minh_state).unwrap().unwrap();
    assert_eq!(stale.newest_generation(), 1);
    let lan_dir = fs::read_dir(shared.join("replicas"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect::<Vec<_>>();
    let keys_old = guanxi::encryption::Keys::sealed(stale);
    let mut locked = false;
    for dir in &lan_dir {
        for seg in fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "journal"))
        {
            // Every frame, those written before the rotation too: the
            // remover's segments were sealed again with the new key.
            assert!(
                guanxi::sync::journal::generations(&seg)
                    .unwrap()
                    .iter()
                    .all(|&g| g == 2),
                "{seg:?} holds frames of the old key"
            );
            match guanxi::sync::journal::read_segment(&seg, 0, &keys_old) {
                Ok(frames) => assert!(frames.is_empty(), "{seg:?} still opens with the removed key"),
                Err(_) => locked = true,
            }
        }
    }
    assert!(locked, "the frames after the rotation do not open with the old key");

    // Wei is asked once more (his cache holds generation 1), then reads
    // old and new.
    refused(&wei, &shared, &[], &["list"]);
    let list = ok(&wei, &shared, &[("GUANXI_PASSPHRASE", WEI_PASS)], &["list", "--json"]);
    let mut want = vec![old, new];
    want.sort();
    assert_eq!(ids(&list), want);
    let again = ok(&wei, &shared, &[], &["list", "--json"]);
    assert_eq!(ids(&again), want, "cached again after unlocking");
}

#[test]
fn a_rotation_leaves_older_segments_that_are_sealed_again() {
    // Through the library: the hook a compaction uses to find this
    // replica's segments still sealed with an older key generation.
    let dir = tempfile::tempdir().unwrap();
    let options = common::store::options_in(dir.path(), "Lan");
    let meta = guanxi::workspace::init_with(&options.workspace, None, true).unwrap();
    let (_, to) = guanxi::encryption::recipient::new_identity();
    let ring = guanxi::encryption::membership::create(&options.workspace, "Lan", None, &[to]).unwrap();
    guanxi::encryption::unlock::cache(&options.state_root.join(&meta.id), &ring).unwrap();
    let mut store = guanxi::store::Store::open(options.clone()).unwrap();
    assert!(store.keys().is_sealed());
    common::store::add(&mut store, "Đặng Minh Châu");
    assert!(
        store.needs_reseal().unwrap().is_empty(),
        "all sealed with the newest key"
    );
    let rotated = guanxi::encryption::Keys::sealed(ring.rotated());
    let with_old_key = guanxi::encryption::Keys::sealed(ring);
    store.set_keys(rotated.clone());
    common::store::add(&mut store, "黄晓明");
    let old = store.needs_reseal().unwrap();
    assert_eq!(old.len(), 1, "the segment holding generation 1 frames: {old:?}");
    // A plain store cannot open it: locked, not damage.
    let frames = guanxi::sync::journal::read_segment(&old[0], 0, &guanxi::encryption::Keys::plain());
    assert!(frames.is_err());
    assert!(guanxi::sync::journal::generations(&old[0]).unwrap().contains(&1));

    // Sealed again: the old key opens none of it, and the journal goes on.
    assert_eq!(store.reseal_segments().unwrap(), 1);
    assert!(store.needs_reseal().unwrap().is_empty());
    assert!(
        guanxi::sync::journal::generations(&old[0])
            .unwrap()
            .iter()
            .all(|&g| g == 2)
    );
    assert!(guanxi::sync::journal::read_segment(&old[0], 0, &with_old_key).is_err());
    common::store::add(&mut store, "Lý Thường Kiệt");
    drop(store);
    guanxi::encryption::unlock::cache(&options.state_root.join(&meta.id), rotated.keyring().unwrap()).unwrap();
    let store = guanxi::store::Store::rebuild(options).unwrap();
    assert_eq!(
        common::store::names(&store),
        common::store::sorted(&["Đặng Minh Châu", "黄晓明", "Lý Thường Kiệt"]),
        "everything read back from the journal sealed again"
    );
}

#[test]
fn in_a_terminal_the_passphrase_is_asked_without_echo() {
    use common::pty::Tui;
    let lan = Sandbox::for_user("Lan");
    let shared = lan.dir.path().join("shared");
    let dir = shared.to_str().unwrap();
    // Typed twice; two different ones make nothing.
    let mut init = Tui::start_in(&lan, &shared, &["init", dir, "--encrypt"], 120, 30);
    init.wait_for("New passphrase:");
    assert!(
        init.screen().contains("its data is gone"),
        "warned first:\n{}",
        init.screen()
    );
    init.type_text("first one\r");
    init.wait_for("The same passphrase again:");
    init.type_text("second one\r");
    assert_eq!(init.wait_exit(), 2);
    assert!(init.screen().contains("differ"), "{}", init.screen());
    assert!(!shared.join("guanxi-workspace.toml").exists(), "nothing made");

    let mut init = Tui::start_in(&lan, &shared, &["init", dir, "--encrypt"], 120, 30);
    init.wait_for("New passphrase:");
    init.type_text("bí mật chung\r");
    init.wait_for("The same passphrase again:");
    init.type_text("bí mật chung\r");
    assert_eq!(init.wait_exit(), 0, "{}", init.screen());
    assert!(!init.screen().contains("bí mật"), "no echo:\n{}", init.screen());
    ok(&lan, &shared, &[], &["add", "--name", "Võ Thị Sáu"]);

    // A teammate joining is asked once; a wrong answer changes nothing.
    let wei = Sandbox::for_user("Wei");
    let before = tree(&shared);
    let mut join = Tui::start_in(&wei, &shared, &["join", dir], 120, 30);
    join.wait_for("Passphrase of this encrypted workspace:");
    join.type_text("sai rồi\r");
    assert_eq!(join.wait_exit(), 2);
    assert!(join.screen().contains("wrong passphrase"), "{}", join.screen());
    assert_eq!(tree(&shared), before);
    let mut join = Tui::start_in(&wei, &shared, &["join", dir], 120, 30);
    join.wait_for("Passphrase of this encrypted workspace:");
    join.type_text("bí mật chung\r");
    assert_eq!(join.wait_exit(), 0, "{}", join.screen());
    assert!(join.screen().contains("unlocked"), "{}", join.screen());
    assert!(!join.screen().contains("bí mật"), "no echo:\n{}", join.screen());
    // Cached: not asked again.
    let list = ok(&wei, &shared, &[], &["list"]);
    assert!(list.contains("Võ Thị Sáu"), "{list}");
}

#[test]
fn a_forget_in_an_encrypted_workspace_keeps_every_frame_sealed_and_the_others_readable() {
    let lan = Sandbox::for_user("Lan");
    let wei = Sandbox::for_user("Wei");
    let shared = lan.dir.path().join("shared");
    encrypted_team(&lan, &shared);
    let gone = ok(
        &lan,
        &shared,
        &[],
        &["add", "--name", "Trịnh Công Sơn", "--email", "tcs@nhac.vn"],
    )
    .trim()
    .to_string();
    ok(&lan, &shared, &[], &["log", &gone, "--summary", "Hát Diễm xưa ở Huế"]);
    let kept = ok(&lan, &shared, &[], &["add", "--name", "邓丽君"]).trim().to_string();
    ok(&lan, &shared, &[], &["log", &kept, "--summary", "月亮代表我的心"]);
    ok(&lan, &shared, &[], &["snapshot"]);
    ok(
        &wei,
        &shared,
        &[("GUANXI_PASSPHRASE", WEI_PASS)],
        &["join", shared.to_str().unwrap()],
    );

    ok(&lan, &shared, &[], &["forget", &gone, "--yes"]);
    ok(&wei, &shared, &[], &["sync"]);
    ok(&wei, &shared, &[], &["snapshot"]);

    // Sealed still: neither person's text is in any workspace file.
    for (path, bytes) in tree(&shared) {
        for text in ["Trịnh Công Sơn", "tcs@nhac.vn", "Diễm xưa", "邓丽君", "月亮代表我的心"] {
            assert!(!contains(&bytes, text.as_bytes()), "{text:?} in plain text in {path:?}");
        }
    }
    // The journal rewritten by the forget opens, on both replicas and
    // from scratch: the other customer and their call are all there.
    for s in [&lan, &wei] {
        ok(s, &shared, &[], &["rebuild"]);
        assert_eq!(ids(&ok(s, &shared, &[], &["list", "--json"])), vec![kept.clone()]);
        let log = ok(s, &shared, &[], &["show", &kept]);
        assert!(log.contains("月亮代表我的心"), "{log}");
    }
    let newcomer = Sandbox::for_user("Minh");
    let lan_pass = lan.dir.path().join("lan-pass");
    fs::write(&lan_pass, LAN_PASS).unwrap();
    let list = ok(
        &newcomer,
        &shared,
        &[],
        &["--passphrase-file", lan_pass.to_str().unwrap(), "list", "--json"],
    );
    assert_eq!(
        ids(&list),
        vec![kept],
        "a fresh replica reads the rewritten, still sealed journal"
    );
}
