internal import CCurl
import Synchronization

/// Easy handles kept between requests. A handle keeps its connections open after a transfer, so the next request
/// to the same host skips the TCP and TLS handshakes: one alert is two requests to Discord, and a poll that ends
/// many jobs sends many. At most `capacity` idle handles are kept; a burst of concurrent requests gets extra
/// handles, freed when they come back to a full pool.
final class HandlePool: Sendable {
    /// A libcurl easy handle; only ever used by one transfer at a time.
    struct Handle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    private let idle = Mutex<[Handle]>([])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    deinit {
        for handle in idle.withLock({ $0 }) { curl_easy_cleanup(handle.pointer) }
    }

    /// An idle handle with its options reset (its connections, DNS and TLS session caches stay), or a new one.
    func take() -> Handle? {
        if let handle = idle.withLock({ $0.popLast() }) {
            curl_easy_reset(handle.pointer)
            return handle
        }
        return curl_easy_init().map(Handle.init)
    }

    func giveBack(_ handle: Handle) {
        let kept = idle.withLock { handles in
            guard handles.count < capacity else { return false }
            handles.append(handle)
            return true
        }
        if !kept { curl_easy_cleanup(handle.pointer) }
    }
}
