//! The connection loop: the router over hyper, with what `axum::serve`
//! leaves out. Timers, so that a socket that says nothing, trickles its
//! request head, or speaks HTTP/2 without ever asking for anything is cut
//! off instead of holding a file descriptor and a task for ever (the
//! request and body timeouts in `guards` start only once a head is in;
//! hyper-util's protocol detection has no timer of its own). A cap on
//! open connections, beyond which a new one is closed at once rather than
//! queued. And TCP_NODELAY, so that a small response is sent at once
//! rather than held back by Nagle's algorithm until the client's delayed
//! ACK (~40 ms a request on keep-alive connections).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tower::ServiceExt;

/// What a connection may take of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From the connection's opening to its first byte.
    pub first_bytes: Duration,
    /// From the opening to a whole request head (HTTP/1: also between
    /// requests on a kept-alive connection). An HTTP/2 connection that has
    /// asked for something is then kept by pings it must answer.
    pub request_head: Duration,
    /// Connections open at once; one more is closed as soon as accepted.
    pub max_connections: usize,
}

impl Limits {
    /// The server's: a browser sends its request at once; 10 000 open
    /// connections fit the 20 000 file descriptors a service is usually
    /// given, with room for the database pool and the files it serves.
    pub const SERVER: Limits = Limits {
        first_bytes: Duration::from_secs(10),
        request_head: Duration::from_secs(20),
        max_connections: 10_000,
    };
}

/// How long requests under way may finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` until `shutdown` completes, then lets the
/// requests under way finish. Each request carries `ConnectInfo` with the
/// client's socket address.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.request_head);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.request_head / 2))
        .keep_alive_timeout(limits.request_head / 2);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let mut refused: u64 = 0;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, mostly: wait for some to free.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            // Said once, then every thousandth: a flood must not flood the log.
            refused += 1;
            if refused % 1000 == 1 {
                tracing::warn!(%peer, refused, limit = limits.max_connections, "too many open connections: refused");
            }
            continue;
        };
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
        let (router, builder, watcher) = (router.clone(), builder.clone(), graceful.watcher());
        tokio::spawn(async move {
            let _open = permit;
            // A socket that says nothing is not worth a connection.
            let mut first = [0u8; 1];
            match tokio::time::timeout(limits.first_bytes, stream.peek(&mut first)).await {
                Ok(Ok(read)) if read > 0 => {}
                _ => return,
            }
            let asked = Arc::new(Notify::new());
            let service = router.map_request({
                let asked = asked.clone();
                move |request: Request<Incoming>| {
                    asked.notify_one();
                    with_peer(request, peer)
                }
            });
            let connection = builder
                .serve_connection_with_upgrades(
                    TokioIo::new(stream),
                    TowerToHyperService::new(service),
                )
                .into_owned();
            let connection = watcher.watch(connection);
            tokio::pin!(connection);
            // Until a first request, hyper's own timers may not run (HTTP/2
            // pings start after its handshake): this one does.
            let ended = tokio::select! {
                ended = &mut connection => Some(ended),
                () = asked.notified() => None,
                () = tokio::time::sleep(limits.request_head) => return,
            };
            let ended = match ended {
                Some(ended) => ended,
                None => connection.await,
            };
            if let Err(error) = ended {
                // Clients hang up and time out all the time: not an error
                // of the server's.
                tracing::debug!(%error, "connection ended");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("requests still under way {SHUTDOWN_GRACE:?} after shutdown began were cut");
        }
    }
}

fn with_peer(request: Request<Incoming>, peer: SocketAddr) -> Request<Body> {
    let mut request = request.map(Body::new);
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}
