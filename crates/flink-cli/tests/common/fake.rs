//! Misbehaving servers on loopback for process tests: one that answers some requests and
//! leaves the others unanswered, one that sends an endless body, and a proxy in front of a
//! real cluster that leaves chosen requests unanswered. Each serves until the test ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

/// Serves each connection on a thread of its own; returns the server's URL.
fn spawn(serve: impl Fn(TcpStream) + Send + Sync + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let serve = Arc::clone(&serve);
            std::thread::spawn(move || serve(stream));
        }
    });
    url
}

/// One request's head, as received: its lines without line ends, and its body's length.
struct Head {
    lines: Vec<String>,
    content_length: usize,
}

/// Reads a request head up to its blank line; `None` once the client has gone.
fn read_head(reader: &mut impl BufRead) -> Option<Head> {
    let mut lines = Vec::new();
    let mut content_length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end().to_owned();
        if line.is_empty() {
            return Some(Head {
                lines,
                content_length,
            });
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            content_length = value.trim().parse().ok()?;
        }
        lines.push(line);
    }
}

/// Reads a whole request, body included; `None` once the client has gone.
fn read_request(reader: &mut impl BufRead) -> Option<(Head, Vec<u8>)> {
    let head = read_head(reader)?;
    let mut body = vec![0; head.content_length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// Reads until the client goes, answering nothing.
fn drain(reader: &mut impl Read) {
    let mut sink = [0; 8192];
    while reader.read(&mut sink).is_ok_and(|read| read > 0) {}
}

/// A server that answers each request whose request line (`GET /path HTTP/1.1`) starts with
/// one of `answers`' prefixes with `200 OK` and that JSON, and every other request with nothing,
/// ever (`&[]`: a server that never answers).
pub(crate) fn scripted(answers: &'static [(&'static str, &'static str)]) -> String {
    spawn(move |stream| {
        let mut reader = BufReader::new(stream);
        while let Some((head, _body)) = read_request(&mut reader) {
            let Some((_, body)) = answers
                .iter()
                .find(|(prefix, _)| head.lines[0].starts_with(prefix))
            else {
                drain(&mut reader);
                return;
            };
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            if reader.get_mut().write_all(answer.as_bytes()).is_err() {
                return;
            }
        }
    })
}

/// A server that answers every request with `200 OK`, `content_type` and an endless chunked
/// body: `start` once, then `repeated` over and over.
pub(crate) fn endless(
    content_type: &'static str,
    start: &'static [u8],
    repeated: &'static [u8],
) -> String {
    spawn(move |stream| {
        let mut reader = BufReader::new(stream);
        if read_head(&mut reader).is_none() {
            return;
        }
        let mut stream = reader.into_inner();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n"
        );
        let block = repeated.repeat((64 * 1024 / repeated.len()).max(1));
        let frame = |data: &[u8]| {
            let mut frame = format!("{:x}\r\n", data.len()).into_bytes();
            frame.extend_from_slice(data);
            frame.extend_from_slice(b"\r\n");
            frame
        };
        // An empty chunk would end the body.
        let start = if start.is_empty() {
            Vec::new()
        } else {
            frame(start)
        };
        let block = frame(&block);
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(&start).is_err() {
            return;
        }
        while stream.write_all(&block).is_ok() {}
    })
}

/// A proxy to the server at `upstream` (`http://host:port`) that forwards each request over a
/// connection of its own (one request a connection), except those whose request line (`GET /path HTTP/1.1`) `stalls`
/// picks: those it reads and never answers.
pub(crate) fn stalling_proxy(upstream: &str, stalls: fn(&str) -> bool) -> String {
    let upstream = upstream
        .strip_prefix("http://")
        .expect("an http:// upstream")
        .trim_end_matches('/')
        .to_owned();
    spawn(move |stream| {
        let mut reader = BufReader::new(stream);
        let Some((head, body)) = read_request(&mut reader) else {
            return;
        };
        if stalls(&head.lines[0]) {
            drain(&mut reader);
        } else if let Some(answer) = forward(&upstream, &head, &body) {
            // The answer says `connection: close`: the client sends nothing more here.
            let _ = reader.get_mut().write_all(&answer);
        }
    })
}

/// Sends one request to `upstream` over a new connection and returns the whole answer, with
/// `connection: close` in its head.
fn forward(upstream: &str, head: &Head, body: &[u8]) -> Option<Vec<u8>> {
    let mut connection = TcpStream::connect(upstream).ok()?;
    let mut request = String::new();
    for line in head
        .lines
        .iter()
        .filter(|line| !line.to_ascii_lowercase().starts_with("connection:"))
    {
        request.push_str(line);
        request.push_str("\r\n");
    }
    request.push_str("connection: close\r\n\r\n");
    connection.write_all(request.as_bytes()).ok()?;
    connection.write_all(body).ok()?;
    let mut answer = Vec::new();
    connection.read_to_end(&mut answer).ok()?;
    let status_line_end = answer.windows(2).position(|pair| pair == b"\r\n")? + 2;
    answer.splice(
        status_line_end..status_line_end,
        b"connection: close\r\n".iter().copied(),
    );
    Some(answer)
}
