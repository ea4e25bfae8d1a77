import java.nio.file.Files;
import java.nio.file.Path;
import org.firstset.Engine;

/** java -cp firstset.jar:jna.jar:. Evaluate examples/config.yaml examples/requests/evaluate-CQJT-2026-014.json */
public class Evaluate {
    public static void main(String[] args) throws Exception {
        try (Engine engine = Engine.open(Path.of(args[0]))) {
            System.out.println(engine.evaluate(Files.readString(Path.of(args[1]))));
        }
    }
}
