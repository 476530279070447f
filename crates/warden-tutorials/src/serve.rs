//! A tutorial's `main`: `--port N`, then serving on 127.0.0.1 until Ctrl-C
//! or SIGTERM, after printing the requests to try.

use std::{fmt, net::Ipv4Addr, process::ExitCode};

use axum::{Extension, Router};

use crate::{DEFAULT_PORT, starlette::ServerAddress};

/// Parses `--port N` / `--port=N`; `Ok(None)` for `--help`.
///
/// # Errors
///
/// The message for an argument other than `--port`, a missing value or a
/// value that is not a port.
pub fn parse_port(mut args: impl Iterator<Item = String>) -> Result<Option<u16>, String> {
    let mut port = DEFAULT_PORT;
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--port=") {
            Some(value) => value.to_owned(),
            None if arg == "--port" => args.next().ok_or("--port needs a value")?,
            None if arg == "--help" || arg == "-h" => return Ok(None),
            None => return Err(format!("unknown argument {arg:?}")),
        };
        port = value.parse().map_err(|_| format!("invalid port {value:?}"))?;
    }
    Ok(Some(port))
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal(name: &'static str) {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    eprintln!("{name}: shutting down");
}

/// The tutorial `name`'s `main`: reads `--port`, builds the app, listens on
/// 127.0.0.1, prints `listening on {base}{path}` and `listing(base)`, and
/// serves until Ctrl-C or SIGTERM. A command line it cannot read exits with
/// status 2, an app that cannot be built or a port it cannot listen on with 1.
pub async fn serve<E: fmt::Display>(
    name: &'static str,
    app: fn() -> Result<Router, E>,
    path: &str,
    listing: impl FnOnce(&str) -> String,
) -> ExitCode {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(Some(port)) => port,
        Ok(None) => {
            println!("usage: {name} [--port N]   (default {DEFAULT_PORT}, listens on 127.0.0.1)");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{name}: {message}\nusage: {name} [--port N]");
            return ExitCode::from(2);
        }
    };
    let app = match app() {
        Ok(app) => app,
        Err(error) => {
            eprintln!("{name}: {error}");
            return ExitCode::FAILURE;
        }
    };
    serve_on(name, port, app, path, listing).await
}

/// Listens on 127.0.0.1:`port`, prints `listening on {base}{path}` and
/// `listing(base)`, and serves `app` until Ctrl-C or SIGTERM. Handlers can
/// read the address listened on as a [`ServerAddress`] extension.
pub async fn serve_on(
    name: &'static str,
    port: u16,
    app: Router,
    path: &str,
    listing: impl FnOnce(&str) -> String,
) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("{name}: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().unwrap_or((Ipv4Addr::LOCALHOST, port).into());
    let base = format!("http://127.0.0.1:{}", address.port());
    println!("{name}: listening on {base}{path} (Ctrl-C to stop). Try:");
    print!("{}", listing(&base));
    let app = app.layer(Extension(ServerAddress(address)));
    if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(shutdown_signal(name)).await {
        eprintln!("{name}: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
