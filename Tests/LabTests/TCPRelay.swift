import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP relay on loopback in front of a server, recording when bytes flowed each way: the tests' view of the wire.
final class TCPRelay: Sendable {
    struct Flow: Sendable {
        var at: ContinuousClock.Instant
        var toServer: Bool
        var bytes: Int
    }

    let port: Int
    private let listener: Int32
    private let stopPipe: (read: Int32, write: Int32)
    private let log = Mutex<[Flow]>([])

    init(to targetPort: Int) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(listener, pointer, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        var fds: [Int32] = [0, 0]
        guard bound, pipe(&fds) == 0 else {
            throw Lab.Failure(description: "relay: \(String(cString: strerror(errno)))")
        }
        self.listener = listener
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.stopPipe = (fds[0], fds[1])
        let relay = self
        Thread { relay.acceptLoop(targetPort: targetPort) }.start()
    }

    var flows: [Flow] { log.withLock { $0 } }

    func stop() {
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
    }

    private func acceptLoop(targetPort: Int) {
        while true {
            var entries = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&entries, 2, -1) > 0, entries[1].revents == 0 else { break }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(targetPort).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                close(client)
                close(server)
                continue
            }
            let relay = self
            Thread { relay.pump(client: client, server: server) }.start()
        }
        close(listener)
    }

    private func pump(client: Int32, server: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        defer {
            close(client)
            close(server)
        }
        while true {
            var entries = [
                pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                pollfd(fd: server, events: Int16(POLLIN), revents: 0),
                pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&entries, 3, -1) > 0, entries[2].revents == 0 else { return }
            for (index, (from, to)) in [(client, server), (server, client)].enumerated()
            where entries[index].revents != 0 {
                let count = read(from, &buffer, buffer.count)
                guard count > 0, write(to, buffer, count) == count else { return }
                log.withLock { $0.append(Flow(at: .now, toServer: index == 0, bytes: count)) }
            }
        }
    }
}
