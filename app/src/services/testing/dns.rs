//! A real DNS server on loopback for tests: it answers TXT questions over
//! UDP from records a test publishes, NXDOMAIN for anything else, and can
//! be stopped to play a server that is down.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use hickory_resolver::proto::op::{Message, MessageType, ResponseCode};
use hickory_resolver::proto::rr::rdata::TXT;
use hickory_resolver::proto::rr::{RData, Record, RecordType};
use hickory_resolver::proto::serialize::binary::BinEncodable;

type Records = Arc<Mutex<HashMap<String, Vec<String>>>>;

pub struct DnsServer {
    pub address: SocketAddr,
    records: Records,
    task: tokio::task::JoinHandle<()>,
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl DnsServer {
    pub async fn start() -> DnsServer {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("bind a UDP port on loopback");
        let address = socket.local_addr().expect("local address");
        let records: Records = Arc::default();
        let served = records.clone();
        let task = tokio::spawn(async move {
            let mut buffer = vec![0u8; 4096];
            loop {
                let Ok((length, peer)) = socket.recv_from(&mut buffer).await else {
                    continue;
                };
                let Some(reply) = answer(&served, &buffer[..length]) else {
                    continue;
                };
                let _ = socket.send_to(&reply, peer).await;
            }
        });
        DnsServer {
            address,
            records,
            task,
        }
    }

    /// Publishes one more TXT record at `name`.
    pub fn publish(&self, name: &str, value: &str) {
        if let Ok(mut records) = self.records.lock() {
            records.entry(key(name)).or_default().push(value.to_owned());
        }
    }

    /// Removes every record at `name`.
    pub fn clear(&self, name: &str) {
        if let Ok(mut records) = self.records.lock() {
            records.remove(&key(name));
        }
    }

    /// Stops answering: lookups then time out.
    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn answer(records: &Records, request: &[u8]) -> Option<Vec<u8>> {
    let request = Message::from_vec(request).ok()?;
    let query = request.queries().first()?.clone();
    let found = records
        .lock()
        .ok()?
        .get(&key(&query.name().to_ascii()))
        .cloned();
    let mut reply = Message::new();
    reply
        .set_id(request.id())
        .set_message_type(MessageType::Response)
        .set_op_code(request.op_code())
        .set_authoritative(true)
        .set_recursion_desired(request.recursion_desired())
        .set_recursion_available(true)
        .add_query(query.clone());
    match found {
        Some(values) if query.query_type() == RecordType::TXT => {
            for value in values {
                reply.add_answer(Record::from_rdata(
                    query.name().clone(),
                    60,
                    RData::TXT(TXT::new(vec![value])),
                ));
            }
        }
        Some(_) => {}
        None => {
            reply.set_response_code(ResponseCode::NXDomain);
        }
    }
    reply.to_bytes().ok()
}
