//! The shell's editing keys reach every text box through the key road:
//! no binding of the box's modes takes them first (the search box, the
//! palette, a form's field), and a form's Ctrl-E is the end of a short
//! field's line (the editor only on a long one).

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use guanxi::i18n::{Lang, set_thread_language};
use guanxi::store::Store;
use guanxi::tui::app::App;
use guanxi::tui::forms::Form;
use guanxi::tui::keymap::Keymap;
use guanxi::tui::layers::Palette;
use guanxi::tui::theme::Theme;

fn app(dir: &tempfile::TempDir) -> App {
    set_thread_language(Lang::En);
    let mut store = Store::open(common::store::options_in(dir.path(), "An")).unwrap();
    common::store::add(&mut store, "Nguyễn Văn An");
    App::new(store, Keymap::defaults().unwrap(), Theme::defaults().unwrap()).unwrap()
}

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) {
    app.on_key(KeyEvent::new(code, modifiers));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;

#[test]
fn the_search_box_takes_the_shells_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir);
    key(&mut app, KeyCode::Char('/'), NONE);
    type_text(&mut app, "Nguyễn Văn An");
    key(&mut app, KeyCode::Char('w'), CTRL);
    assert_eq!(app.query.text(), "Nguyễn Văn ");
    key(&mut app, KeyCode::Backspace, ALT);
    assert_eq!(app.query.text(), "Nguyễn ");
    type_text(&mut app, "深圳华信");
    key(&mut app, KeyCode::Char('b'), ALT);
    key(&mut app, KeyCode::Char('k'), CTRL);
    assert_eq!(app.query.text(), "Nguyễn ");
    key(&mut app, KeyCode::Char('a'), CTRL);
    type_text(&mut app, "张");
    key(&mut app, KeyCode::Char('e'), CTRL);
    type_text(&mut app, "伟");
    assert_eq!(app.query.text(), "张Nguyễn 伟");
    key(&mut app, KeyCode::Home, NONE);
    key(&mut app, KeyCode::Char('f'), ALT);
    key(&mut app, KeyCode::Char('d'), ALT);
    assert_eq!(app.query.text(), "张 伟");
    key(&mut app, KeyCode::End, NONE);
    key(&mut app, KeyCode::Left, NONE);
    key(&mut app, KeyCode::Char('u'), CTRL);
    assert_eq!(app.query.text(), "伟");
}

#[test]
fn the_palette_takes_the_shells_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir);
    key(&mut app, KeyCode::Char(':'), NONE);
    type_text(&mut app, "mở khách");
    key(&mut app, KeyCode::Char('w'), CTRL);
    let palette = app.top::<Palette>().expect("the palette is open");
    assert_eq!(palette.input.text(), "mở ");
}

#[test]
fn in_a_form_ctrl_e_ends_a_short_fields_line_and_the_word_keys_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&dir);
    key(&mut app, KeyCode::Char('a'), NONE);
    type_text(&mut app, "Phú Thịnh");
    key(&mut app, KeyCode::Char('a'), CTRL);
    type_text(&mut app, "Lê ");
    key(&mut app, KeyCode::Char('e'), CTRL);
    type_text(&mut app, " Group");
    assert!(app.editor.is_none(), "no editor for a name");
    key(&mut app, KeyCode::Backspace, ALT);
    key(&mut app, KeyCode::Char('b'), ALT);
    key(&mut app, KeyCode::Char('w'), CTRL);
    let form = app.top::<Form>().expect("the form is open");
    assert_eq!(form.fields[form.focus].input.text(), "Lê Thịnh ");
}
