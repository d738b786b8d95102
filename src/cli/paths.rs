//! `guanxi paths`: where this run's files are — the config file, the
//! keymap and theme read beside it, the workspace, and this machine's
//! local state and view of that workspace. Found without opening the
//! workspace, so it answers while a UI holds it, and changes nothing.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::context::Context;
use crate::i18n::{t, tf};
use crate::workspace;

#[derive(Debug, Args)]
pub struct PathsArgs {
    /// Print JSON
    #[arg(long)]
    pub(super) json: bool,
}

/// The paths in `paths --json`. `state` and `view` are null where no
/// workspace is yet.
#[derive(Debug, Serialize)]
struct Paths {
    config: String,
    keymap: String,
    theme: String,
    workspace: String,
    state: Option<String>,
    view: Option<String>,
}

pub fn paths(ctx: &Context, args: &PathsArgs) -> Result<String> {
    let chosen = ctx.workspace();
    let workspace = std::path::absolute(&chosen).unwrap_or(chosen);
    // A folder that is not a workspace (yet) has no local state to show.
    let state = workspace::state_dir_of(&workspace, &ctx.locations.state_root)
        .ok()
        .flatten();
    let view = state.as_deref().map(workspace::view_dir_in);
    let locations = &ctx.locations;
    if args.json {
        let text = |p: &Path| p.to_string_lossy().into_owned();
        let paths = Paths {
            config: text(&locations.config_file),
            keymap: text(&locations.keymap_file()),
            theme: text(&locations.theme_file()),
            workspace: text(&workspace),
            state: state.as_deref().map(text),
            view: view.as_deref().map(text),
        };
        return Ok(serde_json::to_string_pretty(&paths)? + "\n");
    }
    let lines: [(&str, Option<PathBuf>); 6] = [
        ("cli.paths.config", Some(locations.config_file.clone())),
        ("cli.paths.keymap", Some(locations.keymap_file())),
        ("cli.paths.theme", Some(locations.theme_file())),
        ("cli.paths.workspace", Some(workspace)),
        ("cli.paths.state", state),
        ("cli.paths.view", view),
    ];
    let mut out = String::new();
    for (label, path) in lines {
        let shown = match path {
            Some(p) => p.display().to_string(),
            None => t("cli.paths.no_workspace_yet").to_string(),
        };
        out += &tf("cli.paths.line", &[("label", &t(label)), ("path", &shown)]);
        out.push('\n');
    }
    Ok(out)
}
