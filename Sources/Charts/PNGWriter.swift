import CZlib

/// PNG bytes from opaque 32-bit pixels, written here rather than by cairo.
///
/// cairo hands PNGs to libpng with its defaults: every row tried with all five filters and deflated at level 6.
/// That took 60 % of a chart's time. Charts are flat colours in long runs and rows that repeat the one above, so:
/// - pixels are written as indices into a palette of the 256 most used colours, one byte a pixel instead of three.
///   A chart has a few hundred colours, nearly all of them antialiasing fringes of text and lines; the 256 most
///   used cover over 99.7 % of the pixels, and the rest take the nearest of them, which no eye can tell;
/// - every row is filtered "Up" (the difference from the row above), so rows that repeat become zeros;
/// - zlib runs at its fastest level.
/// Measured on the benchmark's charts against RGB, the other filters, levels and strategies: files of about the
/// same size, several times faster.
enum PNGWriter {
    /// - Parameters:
    ///   - pixels: cairo's ARGB32 rows (native-endian words, alpha in the top byte, ignored: charts are opaque).
    ///   - stride: words from one row to the next.
    static func encode(width: Int, height: Int, pixels: UnsafePointer<UInt32>, stride: Int) throws(ChartError)
        -> [UInt8]
    {
        let image = PaletteImage(width: width, height: height, pixels: pixels, stride: stride)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, 3, 0, 0, 0]  // 8-bit palette indices, deflate, adaptive filtering, no interlace
        png.appendChunk("IHDR", header)
        png.appendChunk(
            "PLTE", image.palette.flatMap { [UInt8($0 >> 16 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 & 0xFF)] })
        // Each row's indices minus the row above's ("Up"), made in one pass from the colour ids.
        let above = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: width)
        defer { above.deallocate() }
        above.initialize(repeating: 0)
        let data = try deflate(rows: height, rowBytes: 1 + width) { row, out in
            out[0] = 2
            let ids = image.ids.baseAddress! + row * width
            let table = image.table.baseAddress!
            for x in 0..<width {
                let index = table[Int(ids[x])]
                out[1 + x] = index &- above[x]
                above[x] = index
            }
        }
        png.appendChunk("IDAT", data)
        png.appendChunk("IEND", [])
        return png
    }

    /// `rows` rows written by `writeRow` (filter byte first), deflated as one zlib stream, in batches.
    static func deflate(
        rows: Int, rowBytes: Int, _ writeRow: (_ row: Int, _ out: UnsafeMutablePointer<UInt8>) -> Void
    ) throws(ChartError) -> [UInt8] {
        var stream = z_stream()
        guard
            deflateInit2_(
                &stream, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                == Z_OK
        else { throw ChartError(description: "zlib could not start compressing") }
        defer { deflateEnd(&stream) }
        let rowsPerBatch = max(1, 65_536 / rowBytes)
        var batch = [UInt8](repeating: 0, count: rowBytes * rowsPerBatch)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(rowBytes * rows))) + 64)
        var written = 0
        var row = 0
        while row < rows {
            let count = min(rowsPerBatch, rows - row)
            batch.withUnsafeMutableBufferPointer { buffer in
                for index in 0..<count { writeRow(row + index, buffer.baseAddress! + index * rowBytes) }
            }
            row += count
            let flush = row == rows ? Z_FINISH : Z_NO_FLUSH
            let status = batch.withUnsafeMutableBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    stream.next_in = input.baseAddress
                    stream.avail_in = UInt32(count * rowBytes)
                    stream.next_out = out.baseAddress! + written
                    stream.avail_out = UInt32(out.count - written)
                    let status = CZlib.deflate(&stream, flush)
                    written = out.count - Int(stream.avail_out)
                    return status
                }
            }
            guard status == (flush == Z_FINISH ? Z_STREAM_END : Z_OK), stream.avail_in == 0 else {
                throw ChartError(description: "zlib could not compress the image (status \(status))")
            }
        }
        return Array(output[..<written])
    }
}

extension [UInt8] {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [
            UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF),
        ])
    }

    /// Length, type, data and the CRC-32 of type and data.
    mutating func appendChunk(_ type: String, _ data: [UInt8]) {
        appendBigEndian(UInt32(data.count))
        let typed = Array(type.utf8) + data
        append(contentsOf: typed)
        let crc = typed.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, UInt32($0.count)) }
        appendBigEndian(UInt32(crc))
    }
}

/// An image as palette indices: the 256 most used colours (0xRRGGBB, most used first), each pixel's colour id, and
/// the palette index of each id.
///
/// One pass gives each distinct colour an id and counts it; a small direct-mapped cache in front of the dictionary
/// makes the lookup at each change of colour (hundreds of thousands in a chart) cheap, and eight pixels that
/// continue a run are handled at once. Raw buffers and no closures: the loop sees every pixel.
final class PaletteImage {
    let palette: [UInt32]
    let ids: UnsafeMutableBufferPointer<UInt16>
    let table: UnsafeMutableBufferPointer<UInt8>

    init(width: Int, height: Int, pixels: UnsafePointer<UInt32>, stride: Int) {
        let ids = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: width * height)
        let cacheColors = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 1024)
        defer { cacheColors.deallocate() }
        cacheColors.initialize(repeating: 0xFFFF_FFFF)
        let cacheIDs = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: 1024)
        defer { cacheIDs.deallocate() }
        cacheIDs.initialize(repeating: 0)
        var colors: [UInt32] = []
        var counts: [Int] = []
        var known: [UInt32: UInt16] = [:]
        var lastColor: UInt32 = 0xFFFF_FFFF
        var lastID: UInt16 = 0
        var run = 0
        let mask = SIMD8<UInt32>(repeating: 0x00FF_FFFF)
        for y in 0..<height {
            let row = pixels + y * stride
            let target = ids.baseAddress! + y * width
            var x = 0
            while x < width {
                if x + 8 <= width {
                    let eight = UnsafeRawPointer(row + x).loadUnaligned(as: SIMD8<UInt32>.self) & mask
                    if eight == SIMD8(repeating: lastColor) {
                        UnsafeMutableRawPointer(target + x).storeBytes(
                            of: SIMD8<UInt16>(repeating: lastID), as: SIMD8<UInt16>.self)
                        run += 8
                        x += 8
                        continue
                    }
                }
                let color = row[x] & 0x00FF_FFFF
                if color != lastColor {
                    if run > 0 { counts[Int(lastID)] += run }
                    run = 0
                    let slot = Int((color &* 0x9E37_79B1) >> 22)
                    if cacheColors[slot] == color {
                        lastID = cacheIDs[slot]
                    } else {
                        if let id = known[color] {
                            lastID = id
                        } else if colors.count < Int(UInt16.max) {
                            lastID = UInt16(colors.count)
                            known[color] = lastID
                            colors.append(color)
                            counts.append(0)
                        } else {
                            // Past 65,535 colours (never in a chart) the last one absorbs the rest.
                            lastID = UInt16(colors.count - 1)
                        }
                        cacheColors[slot] = color
                        cacheIDs[slot] = lastID
                    }
                    lastColor = color
                }
                target[x] = lastID
                run += 1
                x += 1
            }
        }
        if run > 0 { counts[Int(lastID)] += run }
        let ranked = colors.indices.sorted { (counts[$0], colors[$1]) > (counts[$1], colors[$0]) }
        let palette = ranked.prefix(256).map { colors[$0] }
        let table = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, colors.count))
        table.initialize(repeating: 0)
        for (index, id) in ranked.prefix(256).enumerated() { table[id] = UInt8(index) }
        let channels = palette.map { SIMD3<Int32>(Int32($0 >> 16 & 0xFF), Int32($0 >> 8 & 0xFF), Int32($0 & 0xFF)) }
        for id in ranked.dropFirst(256) {
            let color = colors[id]
            let wanted = SIMD3<Int32>(Int32(color >> 16 & 0xFF), Int32(color >> 8 & 0xFF), Int32(color & 0xFF))
            var best = 0
            var bestDistance = Int32.max
            for (index, candidate) in channels.enumerated() {
                let difference = candidate &- wanted
                let distance = (difference &* difference).wrappedSum()
                if distance < bestDistance {
                    best = index
                    bestDistance = distance
                }
            }
            table[id] = UInt8(best)
        }
        self.palette = palette
        self.ids = ids
        self.table = table
    }

    deinit {
        ids.deallocate()
        table.deallocate()
    }
}
