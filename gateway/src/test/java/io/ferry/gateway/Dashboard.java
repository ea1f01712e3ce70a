package io.ferry.gateway;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway's dashboard in a real headless Chromium (Debian's chromium and chromedriver, installed
 * by scripts/test.sh; nothing is downloaded): what a user clicks, what they see.
 */
public final class Dashboard implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private final WebDriver driver;
    private final Path profile;

    /** Opens the dashboard, which sends the browser to the login page first: logs in as {@code account}. */
    public Dashboard(URI gateway, String account, String token) {
        try {
            profile = Files.createTempDirectory("ferry-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.get(gateway.resolve("/").toString());
        logIn(account, token);
    }

    private void logIn(String account, String token) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> !d.findElements(By.id("username")).isEmpty());
        driver.findElement(By.id("username")).sendKeys(account);
        driver.findElement(By.id("password")).sendKeys(token);
        driver.findElement(By.id("login")).click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> !d.findElements(By.id("migration-form")).isEmpty());
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Picks the form's fields (waiting for the hosts' heartbeats to fill them) and clicks Migrate.
     * Each pick is retried: the page redraws a select's options when a heartbeat changes them.
     */
    void startMigration(String container, String source, String target) {
        choose("source", source);
        choose("container", container);
        choose("target", target);
        driver.findElement(By.id("start")).click();
    }

    private void choose(String select, String value) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class).until(d -> {
            Select s = new Select(d.findElement(By.id(select)));
            s.selectByValue(value);
            return value.equals(d.findElement(By.id(select)).getDomProperty("value"));
        });
    }

    /**
     * The state shown in the migrations table for the row of {@code container} (empty until it
     * appears). Read in one script: the page redraws the table every two seconds.
     */
    String stateOf(String container) {
        Object state = ((JavascriptExecutor) driver).executeScript("""
                const row = [...document.querySelectorAll('#migrations tbody tr')]
                    .find(r => r.cells[0].textContent === arguments[0]);
                return row ? row.querySelector('td.state').textContent : '';""", container);
        return String.valueOf(state);
    }

    /** Clicks the table row of {@code container}, which opens its timeline. */
    void open(String container) {
        ((JavascriptExecutor) driver).executeScript("""
                [...document.querySelectorAll('#migrations tbody tr')]
                    .find(r => r.cells[0].textContent === arguments[0]).click();""", container);
    }

    public String text(String css) {
        Object text = ((JavascriptExecutor) driver).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
        return String.valueOf(text);
    }

    Path screenshot(String name) {
        try {
            Path dir = Path.of(System.getProperty("ferry.screenshots", "target/screenshots"));
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            Files.write(file, ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        io.ferry.core.os.FileTrees.deleteRecursively(profile);
    }
}
