package dev.corral.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Corral's version, written into the build by Maven resource filtering. */
public final class Version {
    private Version() {
    }

    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream("/corral-version.properties")) {
            var properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
