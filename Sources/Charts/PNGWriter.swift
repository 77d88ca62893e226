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
        let (palette, indices) = indexed(width: width, height: height, pixels: pixels, stride: stride)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, 3, 0, 0, 0]  // 8-bit palette indices, deflate, adaptive filtering, no interlace
        png.appendChunk("IHDR", header)
        png.appendChunk(
            "PLTE", palette.flatMap { [UInt8($0 >> 16 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 & 0xFF)] })
        let data = try indices.withUnsafeBufferPointer { indices throws(ChartError) in
            try deflate(rows: height, rowBytes: 1 + width) { row, out in
                out[0] = 2
                let current = indices.baseAddress! + row * width
                if row == 0 {
                    (out + 1).update(from: current, count: width)
                } else {
                    let above = current - width
                    for x in 0..<width { out[1 + x] = current[x] &- above[x] }
                }
            }
        }
        png.appendChunk("IDAT", data)
        png.appendChunk("IEND", [])
        return png
    }

    /// The palette (0xRRGGBB, most used first) and each pixel's index into it.
    ///
    /// One pass gives each distinct colour an id and counts it; a small direct-mapped cache in front of the
    /// dictionary makes the lookup at each change of colour (hundreds of thousands in a chart) cheap. Then ids map to
    /// palette indices through a table.
    static func indexed(width: Int, height: Int, pixels: UnsafePointer<UInt32>, stride: Int) -> (
        palette: [UInt32], indices: [UInt8]
    ) {
        var colors: [UInt32] = []
        var counts: [Int] = []
        var ids = [UInt16](repeating: 0, count: width * height)
        var known: [UInt32: UInt16] = [:]
        var cacheColors = [UInt32](repeating: 0xFFFF_FFFF, count: 1024)
        var cacheIDs = [UInt16](repeating: 0, count: 1024)
        ids.withUnsafeMutableBufferPointer { ids in
            var lastColor: UInt32 = 0xFFFF_FFFF
            var lastID: UInt16 = 0
            var run = 0
            for y in 0..<height {
                let row = pixels + y * stride
                let target = ids.baseAddress! + y * width
                for x in 0..<width {
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
                                lastID = UInt16(nearest(color, in: colors))
                            }
                            cacheColors[slot] = color
                            cacheIDs[slot] = lastID
                        }
                        lastColor = color
                    }
                    target[x] = lastID
                    run += 1
                }
            }
            if run > 0 { counts[Int(lastID)] += run }
        }
        let ranked = colors.indices.sorted { (counts[$0], colors[$1]) > (counts[$1], colors[$0]) }
        let palette = ranked.prefix(256).map { colors[$0] }
        var indexOfID = [UInt8](repeating: 0, count: colors.count)
        for (index, id) in ranked.prefix(256).enumerated() { indexOfID[id] = UInt8(index) }
        for id in ranked.dropFirst(256) { indexOfID[id] = UInt8(nearest(colors[id], in: palette)) }
        let indices = ids.map { indexOfID[Int($0)] }
        return (palette, indices)
    }

    /// The index of the palette colour closest to `color` (squared distance in RGB).
    static func nearest(_ color: UInt32, in palette: [UInt32]) -> Int {
        func channels(_ value: UInt32) -> (Int, Int, Int) {
            (Int(value >> 16 & 0xFF), Int(value >> 8 & 0xFF), Int(value & 0xFF))
        }
        let (red, green, blue) = channels(color)
        var best = 0
        var bestDistance = Int.max
        for (index, candidate) in palette.enumerated() {
            let (r, g, b) = channels(candidate)
            let distance = (r - red) * (r - red) + (g - green) * (g - green) + (b - blue) * (b - blue)
            if distance < bestDistance {
                best = index
                bestDistance = distance
            }
        }
        return best
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
