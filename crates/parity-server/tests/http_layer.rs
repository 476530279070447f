//! POLICY D16: invalid HTTP never reaches a scheme. These requests go over a
//! real socket, because hyper answers some of them before any service runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::net::SocketAddr;

use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpListener, TcpStream},
};

async fn serve() -> SocketAddr {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = parity_server::app().unwrap();
    tokio::spawn(async move { axum::serve(parity_server::listener::VcharListener(listener), app).await.unwrap() });
    addr
}

/// Sends `target` and `headers` as raw bytes; returns the status code.
async fn status(addr: SocketAddr, target: &[u8], headers: &[&[u8]]) -> u16 {
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(target);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: test\r\n");
    for header in headers {
        request.extend_from_slice(header);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(&request).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let status_line = response.split(|&b| b == b'\r').next().unwrap();
    std::str::from_utf8(&status_line[9..12]).unwrap().parse().unwrap()
}

#[tokio::test]
async fn control_character_in_a_header_is_a_bad_request() {
    let addr = serve().await;
    assert_eq!(status(addr, b"/basic-optional", &[b"Authorization: Basic dXNlcjpwYXNz\x1f"]).await, 400);
    assert_eq!(status(addr, b"/bearer-optional", &[b"Authorization: Bearer a\x01b"]).await, 400);
    assert_eq!(status(addr, b"/basic-optional", &[b"Authorization: Basic dXNlcjpwYXNz"]).await, 200);
}

#[tokio::test]
async fn raw_non_ascii_in_the_request_target_is_a_bad_request() {
    let addr = serve().await;
    assert_eq!(status(addr, b"/apikey-query?api_key=j\xc3\xb6hn", &[]).await, 400);
    assert_eq!(status(addr, b"/apikey-query?api_key=caf\xe9", &[]).await, 400);
    assert_eq!(status(addr, b"/apikey-query?api_key=j%C3%B6hn", &[]).await, 200);
}

#[tokio::test]
async fn router_protection_answers_before_the_route() {
    let addr = serve().await;
    assert_eq!(status(addr, b"/router-sec/ping", &[]).await, 401);
    assert_eq!(status(addr, b"/router-sec/ping", &[b"X-API-Key: k"]).await, 200);
}

#[tokio::test]
async fn every_vchar_reaches_the_application() {
    let addr = serve().await;
    assert_eq!(status(addr, b"/apikey-query?api_key=a\"b", &[]).await, 200);
    assert_eq!(status(addr, b"/apikey-query?api_key=<a>`{}", &[]).await, 200);
    assert_eq!(status(addr, b"/apikey-query?api_key=a\x7fb", &[]).await, 400);
}
