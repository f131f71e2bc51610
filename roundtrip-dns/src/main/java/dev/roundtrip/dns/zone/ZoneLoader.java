package dev.roundtrip.dns.zone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;

/**
 * Reads RFC 1035 master files (dnsjava's parser) into {@link Zone}s, from files or from classpath
 * resources such as the demo hierarchy ({@link DemoZones}). The origin is taken from the file's SOA
 * unless given; $INCLUDE is refused so a zone file cannot read other files.
 */
public final class ZoneLoader {
    private ZoneLoader() {}

    /** Loads a zone file whose origin is the owner of its SOA record (or its $ORIGIN). */
    public static Zone load(Path file) {
        return load(file, null);
    }

    /** Loads a zone file with a known origin ({@code null}: take it from the SOA). */
    public static Zone load(Path file, Name origin) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, origin, file.toString());
        } catch (NoSuchFileException e) {
            throw new ZoneException("zone file " + file + " does not exist");
        } catch (IOException e) {
            throw new ZoneException("zone file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Loads a zone from a classpath resource, e.g. {@code dev/roundtrip/dns/zones/root.zone}. */
    public static Zone loadResource(String resource) {
        return loadResource(resource, null);
    }

    public static Zone loadResource(String resource, Name origin) {
        InputStream in = ZoneLoader.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new ZoneException("zone resource " + resource + " is not on the classpath");
        }
        try (in) {
            return parse(in, origin, "resource " + resource);
        } catch (IOException e) {
            throw new ZoneException("zone resource " + resource + ": " + e.getMessage(), e);
        }
    }

    /** Parses a master file from a stream; {@code source} names it in error messages. */
    public static Zone parse(InputStream in, Name origin, String source) {
        List<Record> records = parseRecords(in, origin, source);
        Name zoneOrigin = origin;
        if (zoneOrigin == null) {
            for (Record r : records) {
                if (r instanceof SOARecord) {
                    zoneOrigin = r.getName();
                    break;
                }
            }
            if (zoneOrigin == null) {
                throw new ZoneException(source + ": no SOA record, so the zone's origin is unknown");
            }
        }
        try {
            return Zone.of(zoneOrigin, records);
        } catch (ZoneException e) {
            throw new ZoneException(source + ": " + e.getMessage(), e);
        }
    }

    /** Parses the records of a master file (also used for root hints, which are not a zone). */
    public static List<Record> parseRecords(InputStream in, Name origin, String source) {
        List<Record> records = new ArrayList<>();
        try (Master master = origin == null ? new Master(in) : new Master(in, origin)) {
            master.disableIncludes();
            for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
                records.add(r);
            }
        } catch (TextParseException e) {
            throw new ZoneException(source + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ZoneException(source + ": " + e.getMessage(), e);
        }
        return records;
    }
}
