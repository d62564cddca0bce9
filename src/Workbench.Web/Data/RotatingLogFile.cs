using System.Text;

namespace Workbench.Web.Data;

/// <summary>
/// An append-only log file that never takes the host down: it rolls over at <c>maxBytes</c> keeping <c>filesKept</c>
/// files (<c>worker.log</c>, <c>worker.log.1</c>, …), and a write that fails (disk full, read-only) drops the line,
/// reports the fault to <see cref="DataFolderHealth"/> and tries again a few seconds later. Files are private to the
/// user (0600 on Unix). Thread-safe.
/// </summary>
public sealed class RotatingLogFile : IDisposable
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _filesKept;
    private readonly DataFolderHealth _health;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private FileStream? _stream;
    private long _retryAt;
    private bool _failing;

    public RotatingLogFile(string path, long maxBytes, int filesKept, DataFolderHealth health, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(filesKept, 1);
        _path = path;
        _maxBytes = maxBytes;
        _filesKept = filesKept;
        _health = health;
        _time = time;
    }

    /// <summary>Appends one line; never throws.</summary>
    public void WriteLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_lock)
        {
            if (_stream is null && _time.GetTimestamp() < _retryAt)
            {
                return; // the disk failed a moment ago; drop lines rather than hammer it
            }

            try
            {
                _stream ??= Open();
                if (_stream.Length > 0 && _stream.Length + bytes.Length > _maxBytes)
                {
                    Rotate();
                }

                _stream.Write(bytes);
                if (_failing)
                {
                    _failing = false;
                    _health.Succeeded(DataFolderWriter.Logs);
                }
            }
            catch (Exception e) when (DiskFault.IsDiskFault(e))
            {
                Close();
                _retryAt = _time.GetTimestamp() + (long)(RetryAfterFailure.TotalSeconds * _time.TimestampFrequency);
                _failing = true;
                _health.Failed(DataFolderWriter.Logs, e);
            }
        }
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0, // each line goes straight to the file: a failing write fails here, not in a later Dispose
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(_path, options);
    }

    /// <summary>worker.log → worker.log.1 → … → the oldest is deleted.</summary>
    private void Rotate()
    {
        Close();
        File.Delete($"{_path}.{_filesKept - 1}");
        for (var i = _filesKept - 2; i >= 1; i--)
        {
            if (File.Exists($"{_path}.{i}"))
            {
                File.Move($"{_path}.{i}", $"{_path}.{i + 1}");
            }
        }

        if (_filesKept > 1)
        {
            File.Move(_path, $"{_path}.1");
        }
        else
        {
            File.Delete(_path);
        }

        _stream = Open();
    }

    private void Close()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (IOException)
        {
            // Nothing is buffered; a failing close loses nothing.
        }

        _stream = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            Close();
        }
    }
}
