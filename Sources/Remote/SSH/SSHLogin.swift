/// Reaching one server over an already connected socket: handshake, host key check, then login.
///
/// The order matters: credentials go only to a server whose host key checked out. Each step gets the connect
/// timeout, within the overall deadline.
func login(
    to endpoint: SSHEndpoint, as hop: SSHError.Hop, socket: Int32, options: SSHOptions, verifier: HostKeyVerifier,
    deadline: Deadline
) throws(SSHError) -> SSHSession {
    let session = try SSHSession(socket: socket, hop: hop, keepaliveInterval: options.keepaliveInterval)
    try session.handshake(
        preferring: verifier.knownAlgorithms(host: endpoint.host, port: endpoint.port),
        until: deadline.capped(at: options.connectTimeout))
    try verifier.verify(session.hostKey(), host: endpoint.host, port: endpoint.port, hop: hop)
    try session.authenticate(
        user: endpoint.user, credentials: endpoint.credentials, until: deadline.capped(at: options.connectTimeout))
    return session
}
