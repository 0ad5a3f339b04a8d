//! Printing events: NDJSON (one object per line, flushed per line) or aligned columns for
//! people, coloured when stdout is a terminal. Widths count terminal cells, so emoji and CJK
//! names line up.

use std::io::{self, IsTerminal, Write};

use live_model::{EventKind, LiveEvent};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Where events go.
pub struct EventWriter {
    out: io::BufWriter<io::Stdout>,
    json: bool,
    colour: bool,
}

impl EventWriter {
    /// NDJSON when `json`, else columns (coloured on a terminal unless `NO_COLOR` is set).
    pub fn stdout(json: bool) -> Self {
        let stdout = io::stdout();
        let colour = !json && stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
        EventWriter {
            out: io::BufWriter::new(stdout),
            json,
            colour,
        }
    }

    /// Writes one event and flushes it.
    pub fn write(&mut self, event: &LiveEvent) -> io::Result<()> {
        if self.json {
            serde_json::to_writer(&mut self.out, event)?;
        } else {
            self.out
                .write_all(human_line(event, self.colour).as_bytes())?;
        }
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    /// Flushes what is buffered.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Prints a JSON document: indented on a terminal, one line otherwise.
pub fn print_json(value: &serde_json::Value) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if out.is_terminal() {
        serde_json::to_writer_pretty(&mut out, value)?;
    } else {
        serde_json::to_writer(&mut out, value)?;
    }
    out.write_all(b"\n")?;
    out.flush()
}

/// Prints one NDJSON line and flushes it.
pub fn print_json_line(value: &serde_json::Value) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// `text` cut or padded to exactly `width` terminal cells.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    if text.width() > width {
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        used += 1;
    } else {
        out.push_str(text);
        used = text.width();
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// One event as a line of columns: time, platform:room, kind, user, details.
pub fn human_line(event: &LiveEvent, colour: bool) -> String {
    let time = event.time.to_string();
    let clock = time.get(11..19).unwrap_or(&time);
    let source = format!("{}:{}", event.platform, event.room);
    let user = event
        .user
        .as_ref()
        .map(|u| match &u.display_name {
            Some(nick) if nick != &u.name && !nick.is_empty() => format!("{} ({nick})", u.name),
            _ => u.name.clone(),
        })
        .unwrap_or_default();
    let kind = event.kind.as_str();
    let (paint, reset) = if colour {
        (kind_colour(&event.kind), "\x1b[0m")
    } else {
        ("", "")
    };
    format!(
        "{clock}  {}  {paint}{}{reset}  {}  {}",
        fit(&source, 18),
        fit(kind, 20),
        fit(&user, 24),
        details(&event.kind),
    )
    .trim_end()
    .to_owned()
}

fn kind_colour(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::Chat(_) => "\x1b[37m",
        EventKind::Gift(_) | EventKind::GiftedSubscriptions(_) | EventKind::Subscription(_) => {
            "\x1b[1;33m"
        }
        EventKind::Like(_) | EventKind::Follow | EventKind::Share | EventKind::Join => "\x1b[36m",
        EventKind::Ban(_) | EventKind::Unban(_) | EventKind::MessageDeleted(_) => "\x1b[31m",
        EventKind::StreamStart | EventKind::StreamEnd | EventKind::Host(_) => "\x1b[1;35m",
        EventKind::Connected(_) | EventKind::Disconnected(_) | EventKind::Reconnecting(_) => {
            "\x1b[2m"
        }
        _ => "\x1b[34m",
    }
}

fn details(kind: &EventKind) -> String {
    match kind {
        EventKind::Chat(chat) => match &chat.reply_to {
            Some(reply) => format!("{} (↪ @{}: {})", chat.text, reply.user.name, reply.text),
            None => chat.text.clone(),
        },
        EventKind::Gift(gift) => format!("{} ×{} (worth {})", gift.name, gift.count, gift.value),
        EventKind::Like(like) => format!("+{} (total {})", like.count, like.total),
        EventKind::Subscription(sub) => format!("{} months", sub.months),
        EventKind::GiftedSubscriptions(g) => {
            format!("{} subs → {}", g.count, g.recipients.join(", "))
        }
        EventKind::ViewerCount(v) => format!("{} viewers", v.viewers),
        EventKind::MessageDeleted(m) => format!("message {}", m.message_id),
        EventKind::Pin(p) => p.text.clone(),
        EventKind::Unpin(u) => u.message_id.clone().unwrap_or_default(),
        EventKind::Poll(p) => {
            let options: Vec<String> = p
                .options
                .iter()
                .map(|o| format!("{}: {}", o.label, o.votes))
                .collect();
            format!("{} [{}]", p.title, options.join(", "))
        }
        EventKind::PollEnd(p) => p.title.clone().unwrap_or_default(),
        EventKind::Ban(ban) => match ban.duration_s {
            Some(s) if !ban.permanent => format!("@{} timed out for {s}s", ban.target.name),
            _ => format!("@{} banned", ban.target.name),
        },
        EventKind::Unban(unban) => format!("@{} unbanned", unban.target.name),
        EventKind::Host(host) => format!("with {} viewers", host.viewers),
        EventKind::Connected(l) | EventKind::Disconnected(l) | EventKind::Reconnecting(l) => {
            let mut text = l.reason.clone().unwrap_or_default();
            if let (Some(attempt), Some(ms)) = (l.attempt, l.retry_in_ms) {
                text.push_str(&format!(" (attempt {attempt}, in {ms} ms)"));
            }
            text
        }
        EventKind::Other(other) => other.name().to_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use live_model::event::{Chat, Gift};
    use live_model::{Platform, Timestamp, User};

    use super::*;

    #[test]
    fn columns_line_up_with_wide_characters() {
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit("日本語", 8), "日本語  ");
        assert_eq!(fit("日本語テキスト", 6).width(), 6);
        assert_eq!(fit("🎉🎉🎉🎉", 5), "🎉🎉…");
        assert_eq!(fit("abcdef", 4), "abc…");
    }

    #[test]
    fn human_lines_have_fixed_columns() {
        let at = Timestamp::from_unix_seconds(1_730_038_312);
        let a = LiveEvent::new(Platform::Kick, "xqc", at, Chat::new("hi"))
            .with_user(User::new("1", "bob"));
        let b = LiveEvent::new(
            Platform::TikTok,
            "主播",
            at,
            Gift::new("1", "Rose", 7u64, 7u64),
        )
        .with_user(User::new("2", "ユーザー").with_display_name("🌸"));
        let la = human_line(&a, false);
        let lb = human_line(&b, false);
        let text_col = |l: &str| {
            l.find("hi")
                .or_else(|| l.find("Rose"))
                .map(|i| l[..i].width())
        };
        assert_eq!(text_col(&la), text_col(&lb), "{la}\n{lb}");
        assert!(lb.contains("Rose ×7"));
    }
}
