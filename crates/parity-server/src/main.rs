//! `parity-server --port N`: serves the routes of
//! `shared/conformance/ROUTES.md` on 127.0.0.1 until SIGTERM or Ctrl-C.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let port = match parse_port(std::env::args().skip(1)) {
        Ok(port) => port,
        Err(message) => {
            eprintln!("parity-server: {message}\nusage: parity-server --port N");
            return ExitCode::from(2);
        }
    };
    let app = match parity_server::app() {
        Ok(app) => app,
        Err(error) => {
            eprintln!("parity-server: {error}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("parity-server: cannot listen on 127.0.0.1:{port}: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) =
        axum::serve(parity_server::listener::VcharListener(listener), app).with_graceful_shutdown(shutdown()).await
    {
        eprintln!("parity-server: {error}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn parse_port(mut args: impl Iterator<Item = String>) -> Result<u16, String> {
    let mut port = None;
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--port=") {
            Some(value) => value.to_owned(),
            None if arg == "--port" => args.next().ok_or("--port needs a value")?,
            None => return Err(format!("unknown argument {arg:?}")),
        };
        port = Some(value.parse().map_err(|_| format!("invalid port {value:?}"))?);
    }
    port.ok_or_else(|| "--port is required".to_owned())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
