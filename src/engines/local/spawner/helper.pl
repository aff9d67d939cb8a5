#!/usr/bin/perl
# tandem spawner helper, perl edition (needs only perl-base: POSIX, IO::Select).
#
# Why perl: a fork costs in proportion to the forking process's memory. A Node.js helper (~45 MB)
# spends about twice what a small process does per spawn; this one (~5 MB) comes close to xargs.
# It speaks the same line protocol as helper.js (see protocol.ts), and the engine falls back to
# helper.js where perl is missing.
#
# argv: the engine's pid. The helper starts a task only while that engine is still its parent
# (getppid, checked right before each fork): a helper never starts what a dead engine asked for.
# When the engine is gone, the helper starts nothing more, answers nothing, goes on supervising
# the tasks it already started (logs, reaping, exit records) and exits when the last one ends.
#
# Each task's attempt folder gets two records, each written to a temporary file and renamed, so a
# reader sees all of it or nothing (see attempt-records.ts, which reads them):
#   process.started  "pid=P start=T helper=H helperStart=U", right after the fork, before `s`;
#                    T, U: process start times (/proc/<pid>/stat field 22; - where there is no /proc),
#                    which tell a live process from a later one that got the same pid
#   process.exit     "exit=C signal=S truncated=0|1", after the reap and the logs closed, before `e`
# A folder that already has process.started is refused (x EEXIST): one execution per attempt.
#
# Request (one line, fields separated by TAB, each field escaped: \\ \t \n):
#   id dir stdoutFile stderrFile logCap cwd envCount [key value]... command [arg]...
# The key/value pairs are the task's whole environment, not additions to this process's.
# Replies:
#   s id pid                       the task runs, as the leader of its own process group
#   e id exitCode signal truncated exit code (-1 if killed), signal number (0 if none), 1 if a log was capped
#   x id errno message             the task could not be started
use strict;
use warnings;
use POSIX qw(setsid _exit WNOHANG);
use IO::Select;
use Errno qw(EEXIST ENOENT EINTR ESRCH);

$| = 1;
$SIG{PIPE} = 'IGNORE';

my $engine_pid = $ARGV[0] // getppid();
# Set once the engine is found gone: from then on nothing starts and nothing is answered.
my $orphaned = 0;
my $self_pid = $$;
my $self_start = start_time($$);

sub engine_alive {
  $orphaned = 1 if !$orphaned && getppid() != $engine_pid;
  return !$orphaned;
}

my $select = IO::Select->new();
my %streams;    # fileno of a task's stdout/stderr pipe => stream record
my %tasks;      # pid => task record
my $input = '';
# Start notices not yet sent: most tasks in a busy DAG exit within milliseconds, and one message
# (start and exit together) wakes the engine once instead of twice. A notice waits for one turn
# of the loop (at most START_NOTICE_DELAY seconds); a timeout or cancel in that window is applied
# when it arrives.
my %unsent_starts;    # pid => "s id pid\n"
use constant START_NOTICE_DELAY => 0.005;

# SIGCHLD wakes the select loop through a self-pipe.
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
$SIG{CHLD} = sub { syswrite($wake_w, 'x') };
$select->add($wake_r);
$select->add(\*STDIN);

sub unescape {
  my ($s) = @_;
  $s =~ s/\\(.)/$1 eq 't' ? "\t" : $1 eq 'n' ? "\n" : $1/ge;
  return $s;
}

# Field 22 of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses).
sub start_time {
  my ($pid) = @_;
  open(my $fh, '<', "/proc/$pid/stat") or return '-';
  my $line = <$fh> // '';
  close($fh);
  $line =~ s/^.*\)\s+//s or return '-';
  my @fields = split(/\s+/, $line);
  return $fields[19] // '-';
}

# Writes a record whole or not at all: a temporary file, then a rename over the final name.
sub write_record {
  my ($dir, $name, $text) = @_;
  my $tmp = "$dir/.$name.tmp";
  open(my $fh, '>', $tmp) or return 0;
  print $fh $text;
  close($fh) or return 0;
  return rename($tmp, "$dir/$name");
}

# Run in a freshly forked task before exec: whether the engine was still the helper's parent after
# the fork. The helper checked just before forking, but it may have been descheduled in between;
# this check makes "forked while the engine lived" certain, not merely likely.
sub engine_alive_after_fork {
  open(my $fh, '<', "/proc/$self_pid/stat") or return 1;    # no /proc: the helper's check stands
  my $line = <$fh> // '';
  close($fh);
  $line =~ s/^.*\)\s+//s or return 1;
  my @fields = split(/\s+/, $line);
  return ($fields[1] // '') eq $engine_pid;
}

sub make_dir {
  my ($dir) = @_;
  return 1 if mkdir($dir) || $! == EEXIST;
  return 0 unless $! == ENOENT;
  my $parent = $dir;
  $parent =~ s{/[^/]+/?$}{};
  return 0 if $parent eq '' || $parent eq $dir || !make_dir($parent);
  return mkdir($dir) || $! == EEXIST;
}

sub start_task {
  my ($id, $dir, $out_file, $err_file, $cap, $cwd, $env_count, @rest) = @_;
  my %env = splice(@rest, 0, 2 * $env_count);
  my @argv = @rest;
  # The engine that asked may have died since it wrote this request: start nothing for it.
  return unless engine_alive();
  if (!make_dir($dir)) {
    print "x $id " . ($! + 0) . " cannot create $dir: $!\n";
    return;
  }
  if (-e "$dir/process.started") {
    print "x $id " . EEXIST . " $dir already holds an execution of this attempt (process.started)\n";
    return;
  }
  pipe(my $out_r, my $out_w) or return print "x $id " . ($! + 0) . " pipe: $!\n";
  pipe(my $err_r, my $err_w) or return print "x $id " . ($! + 0) . " pipe: $!\n";
  # Closed by exec (perl marks descriptors above 2 close-on-exec): data on it means exec failed.
  pipe(my $exec_r, my $exec_w) or return print "x $id " . ($! + 0) . " pipe: $!\n";
  my $pid = fork();
  if (!defined $pid) {
    print "x $id " . ($! + 0) . " fork: $!\n";
    return;
  }
  if ($pid == 0) {
    if (!engine_alive_after_fork()) {
      syswrite($exec_w, ESRCH . " the engine is gone; not started");
      _exit(127);
    }
    setsid();
    $SIG{PIPE} = 'DEFAULT';
    $SIG{CHLD} = 'DEFAULT';
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>&', $out_w);
    open(STDERR, '>&', $err_w);
    if (!chdir($cwd)) {
      syswrite($exec_w, ($! + 0) . " cannot enter $cwd: $!");
      _exit(127);
    }
    # The request carries the complete environment; nothing of the engine's is kept.
    %ENV = %env;
    # No "Can't exec" warning: it goes to the task's stderr pipe, which nobody reads until exec
    # succeeds, and one naming a command longer than the pipe holds (64 KiB) blocked this child
    # for ever, and the helper with it. The errno below says what went wrong.
    { no warnings 'exec'; exec { $argv[0] } @argv; }
    syswrite($exec_w, ($! + 0) . " $!");
    _exit(127);
  }
  close($out_w);
  close($err_w);
  close($exec_w);
  # Recorded before anything else, so a resume can find the process even if the engine dies now.
  write_record($dir, 'process.started', "pid=$pid start=" . start_time($pid) . " helper=$$ helperStart=$self_start\n");
  my $failure = '';
  while (1) {
    my $got = sysread($exec_r, my $chunk, 4096);
    last if defined $got && $got == 0;
    if (!defined $got) { next if $! == EINTR; last; }
    $failure .= $chunk;
  }
  close($exec_r);
  if ($failure ne '') {
    waitpid($pid, 0);
    unlink("$dir/process.started");
    close($out_r);
    close($err_r);
    print "x $id $failure\n";
    return;
  }
  my $task = { id => $id, pid => $pid, dir => $dir, open => 2, status => undef, truncated => 0 };
  $tasks{$pid} = $task;
  for my $pair ([$out_r, $out_file], [$err_r, $err_file]) {
    my ($fh, $file) = @$pair;
    $streams{ fileno($fh) } = { fh => $fh, file => $file, cap => $cap, written => 0, dropped => 0, log => undef, task => $task };
    $select->add($fh);
  }
  $unsent_starts{$pid} = "s $id $pid\n";
}

sub send_starts {
  my @pids = @_;
  my $out = '';
  $out .= delete $unsent_starts{$_} // '' for @pids;
  print $out if $out ne '' && !$orphaned;
}

sub close_stream {
  my ($stream) = @_;
  $select->remove($stream->{fh});
  delete $streams{ fileno($stream->{fh}) };
  close($stream->{fh});
  if ($stream->{dropped} > 0) {
    open($stream->{log}, '>>', $stream->{file}) unless $stream->{log};
    syswrite($stream->{log}, "\n[tandem: log capped at $stream->{cap} bytes; $stream->{dropped} more bytes dropped]\n") if $stream->{log};
    $stream->{task}{truncated} = 1;
  }
  close($stream->{log}) if $stream->{log};
  my $task = $stream->{task};
  $task->{open} -= 1;
  finish($task);
}

sub read_stream {
  my ($stream) = @_;
  my $got = sysread($stream->{fh}, my $chunk, 65536);
  return if !defined $got && $! == EINTR;
  if (!$got) {
    close_stream($stream);
    return;
  }
  my $room = $stream->{cap} - $stream->{written};
  if ($room <= 0) {
    $stream->{dropped} += $got;
    return;
  }
  my $keep = $got > $room ? $room : $got;
  open($stream->{log}, '>>', $stream->{file}) unless $stream->{log};
  syswrite($stream->{log}, $chunk, $keep) if $stream->{log};
  $stream->{written} += $keep;
  $stream->{dropped} += $got - $keep;
}

sub finish {
  my ($task) = @_;
  return unless defined $task->{status} && $task->{open} == 0;
  delete $tasks{ $task->{pid} };
  my $status = $task->{status};
  my $signal = $status & 127;
  my $code = $signal ? -1 : $status >> 8;
  write_record($task->{dir}, 'process.exit', "exit=$code signal=$signal truncated=$task->{truncated}\n");
  my $start = delete $unsent_starts{ $task->{pid} } // '';
  print "${start}e $task->{id} $code $signal $task->{truncated}\n" unless $orphaned;
}

sub reap {
  while ((my $pid = waitpid(-1, WNOHANG)) > 0) {
    my $task = $tasks{$pid} or next;
    $task->{status} = $?;
    $task->{exited_at} = time;
    # The leader has exited: whatever it left running in its group goes too, as when a pod's
    # container ends. That also closes pipes such processes held open.
    kill('KILL', -$pid);
    finish($task);
  }
}

while (1) {
  # An orphaned helper stays only to record the tasks it started.
  exit(0) if $orphaned && !%tasks;
  # While an exited task's pipes are still open (a process that left the group holds them),
  # wake up to stop waiting for them after a moment.
  my $lingering = grep { defined $_->{status} } values %tasks;
  my @waiting_starts = keys %unsent_starts;
  my $wait = @waiting_starts ? START_NOTICE_DELAY : $lingering ? 0.2 : undef;
  my @ready = $select->can_read($wait);
  for my $fh (@ready) {
    if ($fh == $wake_r) {
      sysread($wake_r, my $ignored, 4096);
      reap();
    } elsif ($fh == \*STDIN) {
      my $got = sysread(STDIN, my $chunk, 65536);
      next if !defined $got && $! == EINTR;
      # The engine closed the pipe (it stopped, or died): nothing more will be asked, and
      # what was asked but not started is dropped with the engine.
      if (!$got) {
        $orphaned = 1;
        $select->remove(\*STDIN);
        $input = '';
        next;
      }
      next if $orphaned;
      $input .= $chunk;
      while (!$orphaned && $input =~ s/^([^\n]*)\n//) {
        my @fields = map { unescape($_) } split(/\t/, $1, -1);
        start_task(@fields);
      }
      $input = '' if $orphaned;
    } elsif (my $stream = $streams{ fileno($fh) }) {
      read_stream($stream);
    }
  }
  reap();
  send_starts(@waiting_starts);
  if ($lingering) {
    for my $task (values %tasks) {
      next unless defined $task->{status} && time - $task->{exited_at} >= 1;
      close_stream($_) for grep { $_->{task} == $task } values %streams;
    }
  }
}
