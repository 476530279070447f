//! A listener that lets every VCHAR through the request-target, as
//! FastAPI's servers (uvicorn with h11 or httptools) do.
//!
//! RFC 9112 §3.2 allows any VCHAR in a request-target, but the `http` crate
//! refuses a few that the WHATWG URL standard would percent-encode: `"`, `<`,
//! `>` and `` ` `` (and accepts `{`, `}` only in paths). A client sending
//! `/apikey-query?api_key=a"b` gets `{"api_key": "a\"b"}` from FastAPI and a
//! bare `400` from hyper. This listener percent-encodes those bytes in the
//! request line before hyper parses it; the query decoding (D22) turns
//! `%22` back into `"`, so handlers see what FastAPI's would.
//!
//! Only the first request line of a connection is rewritten, which is every
//! request the conformance replay sends (one request per connection,
//! `Connection: close`). Bytes outside VCHAR are left alone, for hyper or the
//! [`http_layer`](crate::http_layer) guard to refuse (D16).

use std::{
    io,
    pin::Pin,
    task::{Context, Poll, ready},
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
};

/// Accepts TCP connections and wraps each in [`EncodeTarget`].
#[derive(Debug)]
pub struct VcharListener(pub TcpListener);

impl axum::serve::Listener for VcharListener {
    type Io = EncodeTarget<TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (EncodeTarget::new(stream), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// Where the reader is in the first request line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Method,
    Target,
    Version,
    Done,
}

/// A stream whose first request line has `"`, `<`, `>`, `` ` ``, `{` and `}`
/// percent-encoded in its request-target.
#[derive(Debug)]
pub struct EncodeTarget<S> {
    inner: S,
    position: Position,
    pending: Vec<u8>,
    offset: usize,
}

impl<S> EncodeTarget<S> {
    /// Wraps `inner`.
    pub fn new(inner: S) -> Self {
        Self { inner, position: Position::Method, pending: Vec::new(), offset: 0 }
    }

    /// Appends `data` to the pending output, encoding what needs it.
    fn rewrite(&mut self, data: &[u8]) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        for &byte in data {
            match (self.position, byte) {
                (Position::Done, _) => self.pending.push(byte),
                (_, b'\n') => {
                    self.position = Position::Done;
                    self.pending.push(byte);
                }
                (Position::Method, b' ') => {
                    self.position = Position::Target;
                    self.pending.push(byte);
                }
                (Position::Target, b' ') => {
                    self.position = Position::Version;
                    self.pending.push(byte);
                }
                (Position::Target, b'"' | b'<' | b'>' | b'`' | b'{' | b'}') => {
                    self.pending.extend_from_slice(&[b'%', HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]]);
                }
                _ => self.pending.push(byte),
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for EncodeTarget<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.offset == this.pending.len() {
            if this.position == Position::Done {
                return Pin::new(&mut this.inner).poll_read(cx, buf);
            }
            let mut chunk = [0u8; 4096];
            let mut chunk_buf = ReadBuf::new(&mut chunk);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut chunk_buf))?;
            this.pending.clear();
            this.offset = 0;
            let filled = chunk_buf.filled();
            if filled.is_empty() {
                return Poll::Ready(Ok(()));
            }
            this.rewrite(filled);
        }
        let take = (this.pending.len() - this.offset).min(buf.remaining());
        buf.put_slice(&this.pending[this.offset..this.offset + take]);
        this.offset += take;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for EncodeTarget<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(chunks: &[&[u8]]) -> Vec<u8> {
        let mut stream = EncodeTarget::new(());
        for chunk in chunks {
            stream.rewrite(chunk);
        }
        stream.pending
    }

    #[test]
    fn only_the_request_target_is_encoded() {
        assert_eq!(
            rewrite(&[b"GET /q?k=a\"<b>`{} HTTP/1.1\r\nX: \"<>\r\n\r\n"]),
            b"GET /q?k=a%22%3Cb%3E%60%7B%7D HTTP/1.1\r\nX: \"<>\r\n\r\n"
        );
    }

    #[test]
    fn a_line_split_across_reads_is_tracked() {
        assert_eq!(rewrite(&[b"GET /q?k=\"", b"\" HTTP/1.1\r\n", b"\"\r\n"]), b"GET /q?k=%22%22 HTTP/1.1\r\n\"\r\n");
    }

    #[test]
    fn other_bytes_are_left_for_the_http_layer() {
        assert_eq!(rewrite(&[b"GET /a\xc3\xb6%zz HTTP/1.1\r\n"]), b"GET /a\xc3\xb6%zz HTTP/1.1\r\n");
    }
}
